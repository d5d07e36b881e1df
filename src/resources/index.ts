export { APIResource } from './resource.js';
