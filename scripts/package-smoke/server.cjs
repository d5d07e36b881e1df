// A tiny fake Kommo used by the packed-package smoke tests.
const http = require('node:http');

exports.start = () =>
  new Promise((resolve) => {
    const seen = [];
    const server = http.createServer((req, res) => {
      seen.push({
        method: req.method,
        url: req.url,
        auth: req.headers.authorization,
        ua: req.headers['user-agent'],
      });
      if (req.url === '/api/v4/account') {
        res.writeHead(200, { 'content-type': 'application/hal+json', 'x-request-id': 'smoke' });
        res.end(JSON.stringify({ id: 31204999, name: 'Smoke', subdomain: 'smoke' }));
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        seen,
        close: () => server.close(),
      }),
    );
  });
