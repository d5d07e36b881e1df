import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, RequestValidationError } from '../../../src/index.js';
import { useSandbox } from '../../support/sandbox.js';

const { client } = useSandbox();

describe('widgets in the sandbox, through the SDK', () => {
  it('lists the catalogue, installs a widget with its settings and uninstalls it', async () => {
    const kommo = client();
    const all = await kommo.widgets.list().toArray({ max: 50 });
    expect(all.map((w) => w.code)).toContain('amo_asterisk');
    const widget = await kommo.widgets.get('amo_asterisk');
    expect(widget.settings_template?.map((t) => t.key)).toContain('login');
    expect(widget.is_active_in_account).toBe(false);

    const installed = await kommo.widgets.install('amo_asterisk', {
      login: 'example',
      password: 'not-a-real-secret',
      phones: { '504141': '1039' },
    });
    expect(installed).toMatchObject({ is_active_in_account: true, settings: { login: 'example' } });
    expect((await kommo.widgets.get('amo_asterisk')).is_active_in_account).toBe(true);

    await kommo.widgets.uninstall('amo_asterisk');
    expect((await kommo.widgets.get('amo_asterisk')).is_active_in_account).toBe(false);
  });

  it('refuses settings that miss a required key, and unknown codes', async () => {
    const kommo = client();
    await expect(kommo.widgets.install('amo_asterisk', { login: 'x' })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(kommo.widgets.get('no_such_widget')).rejects.toBeInstanceOf(NotFoundError);
    await expect(kommo.widgets.uninstall('../account')).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});
