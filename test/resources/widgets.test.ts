import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { RequestValidationError } from '../../src/index.js';
import { HOST, testClient } from '../support/client.js';
import { fixture } from './support.js';

const json = { 'content-type': 'application/hal+json' };

describe('widgets', () => {
  it('lists widgets whose rating is a decimal-comma string or a number', async () => {
    nock(HOST)
      .get('/api/v4/widgets')
      .query({ page: '1', limit: '250' })
      .reply(200, fixture('widgets_list.json'), json);
    const widgets = await testClient().widgets.list().toArray({ max: 10 });
    expect(widgets.map((w) => w.rating)).toEqual(['2,8', 4.5]);
    expect(widgets[0]?.settings_template?.map((t) => t.type)).toEqual(['text', 'pass', 'users']);
  });

  it('installs with the settings as the body and uninstalls with DELETE', async () => {
    const settings = { login: 'example', password: 'x', phones: { '504141': '1039' } };
    nock(HOST)
      .post('/api/v4/widgets/amo_asterisk', settings)
      .reply(200, { id: 742, code: 'amo_asterisk', settings }, json)
      .delete('/api/v4/widgets/amo_asterisk')
      .reply(204);
    const kommo = testClient();
    expect((await kommo.widgets.install('amo_asterisk', settings)).settings).toEqual(settings);
    await kommo.widgets.uninstall('amo_asterisk');
  });

  it('refuses a code that would leave its path segment', async () => {
    await expect(testClient().widgets.get('../account')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});
