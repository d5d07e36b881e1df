import { describe, expect, it } from 'vitest';
import {
  bodyFromCsv,
  csvHeader,
  FieldIndex,
  RowError,
  toCsvRecord,
  type RowContext,
} from '../src/jobs/rows.js';

const fields = new FieldIndex([
  { id: 1, name: 'Note', type: 'text' },
  { id: 2, name: 'Budget', type: 'numeric' },
  { id: 3, name: 'Paid', type: 'checkbox' },
  { id: 4, name: 'Due', type: 'date' },
  {
    id: 5,
    name: 'Channel',
    type: 'select',
    enums: [
      { id: 50, value: 'Web' },
      { id: 51, value: 'Phone' },
    ],
  },
  {
    id: 6,
    name: 'Topics',
    type: 'multiselect',
    enums: [
      { id: 60, value: 'A; B' },
      { id: 61, value: 'C' },
    ],
  },
  {
    id: 7,
    name: 'Phone',
    type: 'multitext',
    code: 'PHONE',
    enums: [
      { id: 70, value: 'WORK' },
      { id: 71, value: 'MOB' },
    ],
  },
  { id: 8, name: 'Address', type: 'smart_address' },
  { id: 9, name: 'Key', type: 'text', code: 'EXTERNAL_ID' },
]);
const ctx: RowContext = {
  entity: 'leads',
  fields,
  keyField: fields.find('EXTERNAL_ID'),
  keyColumn: 'id',
};

describe('CSV rows', () => {
  it('write every field type as a cell and read it back as the write shape', () => {
    const lead = {
      id: 77,
      name: 'Order, "big"',
      price: 1500,
      status_id: 142,
      created_by: 0,
      _embedded: {
        tags: [
          { id: 1, name: 'vip' },
          { id: 2, name: 'new' },
        ],
      },
      custom_fields_values: [
        { field_id: 1, values: [{ value: 'line one\nline two' }] },
        { field_id: 2, values: [{ value: '12.50' }] },
        { field_id: 3, values: [{ value: true }] },
        { field_id: 4, values: [{ value: 1_735_689_600 }] },
        { field_id: 5, values: [{ value: 'Phone', enum_id: 51 }] },
        {
          field_id: 6,
          values: [
            { value: 'A; B', enum_id: 60 },
            { value: 'C', enum_id: 61 },
          ],
        },
        {
          field_id: 7,
          values: [
            { value: '+1 555', enum_code: 'MOB' },
            { value: '+1 556', enum: 'WORK' },
          ],
        },
        { field_id: 8, values: [{ value: 'Main st', enum_id: 1 }] },
      ],
    };
    const header = csvHeader('leads', fields);
    const cells = toCsvRecord('leads', lead, fields);
    const record = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    expect(record).toMatchObject({
      'cf.6': '["A; B","C"]',
      'cf.5': 'Phone',
      'cf.3': 'true',
      tags: 'vip; new',
    });

    const { body, key } = bodyFromCsv(ctx, record);
    expect(key).toBe('77');
    expect(body).toEqual({
      name: 'Order, "big"',
      price: 1500,
      status_id: 142,
      created_by: 0,
      _embedded: { tags: [{ name: 'vip' }, { name: 'new' }] },
      custom_fields_values: [
        { field_id: 1, values: [{ value: 'line one\nline two' }] },
        { field_id: 2, values: [{ value: '12.50' }] },
        { field_id: 3, values: [{ value: true }] },
        { field_id: 4, values: [{ value: 1_735_689_600 }] },
        { field_id: 5, values: [{ enum_id: 51 }] },
        { field_id: 6, values: [{ enum_id: 60 }, { enum_id: 61 }] },
        {
          field_id: 7,
          values: [
            { value: '+1 555', enum_code: 'MOB' },
            { value: '+1 556', enum_code: 'WORK' },
          ],
        },
        { field_id: 8, values: [{ value: 'Main st', enum_id: 1 }] },
        { field_id: 9, values: [{ value: '77' }] },
      ],
    });
  });

  it('accept hand-written cells: ISO dates, yes/no, labels, plain lists, codes for columns', () => {
    const { body } = bodyFromCsv(ctx, {
      id: 'k-1',
      'cf.4': '2025-01-01T00:00:00Z',
      'cf.3': 'no',
      'cf.6': 'C',
      'cf.PHONE': '+1 555; +1 556',
    });
    expect(body['custom_fields_values']).toEqual([
      { field_id: 4, values: [{ value: 1_735_689_600 }] },
      { field_id: 3, values: [{ value: false }] },
      { field_id: 6, values: [{ enum_id: 61 }] },
      {
        field_id: 7,
        values: [
          { value: '+1 555', enum_code: 'WORK' },
          { value: '+1 556', enum_code: 'WORK' },
        ],
      },
      { field_id: 9, values: [{ value: 'k-1' }] },
    ]);
  });

  it.each([
    [{ id: '1', price: '-5' }, 'price: expected a number ≥ 0'],
    [{ id: '1', status_id: '1.5' }, 'status_id: expected an integer'],
    [{ id: '1', created_at: 'yesterday' }, 'created_at: expected unix seconds or an ISO date'],
    [{ id: '1', 'cf.3': 'maybe' }, 'cf.3: expected true or false'],
    [{ id: '1', 'cf.2': '12,5' }, 'cf.2: expected a number'],
    [{ id: '1', 'cf.6': '["C", 1]' }, 'cf.6: expected a list of strings'],
    [{ id: '1', 'cf.8': 'Main st' }, 'cf.8: not a JSON list'],
    [{ id: '', name: 'x' }, 'id: empty key'],
  ])('refuse %j naming the column', (record, message) => {
    expect(() => bodyFromCsv(ctx, record)).toThrow(RowError);
    expect(() => bodyFromCsv(ctx, record)).toThrow(message);
  });
});
