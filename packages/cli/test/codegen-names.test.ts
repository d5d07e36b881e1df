import { describe, expect, it } from 'vitest';
import { generateModule, type CodegenInput } from '../src/codegen/generate.js';
import { identifier, uniqueIdentifiers } from '../src/codegen/names.js';

describe('codegen names', () => {
  it('transliterates Cyrillic and other names into camelCase identifiers', () => {
    expect(identifier('Источник сделки', 'x')).toBe('istochnikSdelki');
    expect(identifier('Бюджет', 'x')).toBe('byudzhet');
    expect(identifier('Discount %', 'x')).toBe('discountPercent');
    expect(identifier('UTM_SOURCE', 'x')).toBe('utmSource');
    expect(identifier('2GIS link', 'x')).toBe('_2gisLink');
    expect(identifier('default', 'x')).toBe('default_');
    expect(identifier('__proto__', 'x')).toBe('proto');
    expect(identifier('日本', 'field1')).toBe('field1');
    expect(identifier('', 'field2')).toBe('field2');
  });

  it('resolves collisions by id, whatever the input order', () => {
    const a = { id: 30, name: 'Phone' };
    const b = { id: 10, name: 'phone' };
    const c = { id: 20, name: 'PHONE!' };
    const one = uniqueIdentifiers([a, b, c], 'f');
    const two = uniqueIdentifiers([c, a, b], 'f');
    expect([one.get(b), one.get(c), one.get(a)]).toEqual(['phone', 'phone_20', 'phone_30']);
    expect([two.get(b), two.get(c), two.get(a)]).toEqual(['phone', 'phone_20', 'phone_30']);
  });

  it('gives the same module for the same account in any order, and escapes what it quotes', () => {
    const input: CodegenInput = {
      host: 'acme.kommo.com',
      fields: {
        leads: [
          { id: 2, name: "O'Brien */ note", type: 'text' },
          { id: 1, name: 'Бюджет', type: 'numeric' },
          {
            id: 3,
            name: 'Источник',
            type: 'select',
            enums: [
              { id: 9, value: 'Сайт' },
              { id: 8, value: "It's \\ new" },
            ],
          },
        ],
      },
      pipelines: [
        {
          id: 5,
          name: 'Воронка',
          statuses: [
            { id: 143, name: 'Закрыто' },
            { id: 142, name: 'Успешно' },
          ],
        },
      ],
      users: [{ id: 2, name: 'Иван', active: false }],
    };
    const text = generateModule(input);
    const shuffled = generateModule({
      ...input,
      fields: { leads: [...(input.fields.leads ?? [])].reverse() },
      pipelines: input.pipelines.map((p) => ({ ...p, statuses: [...p.statuses].reverse() })),
    });
    expect(shuffled).toBe(text);
    expect(text).toContain("byudzhet: numberField(1, 'Бюджет', 'numeric')");
    expect(text).toContain("oBrienNote: textField(2, 'O\\'Brien */ note', 'text')");
    expect(text).toContain("/** O'Brien *\\/ note: text, id 2. */");
    expect(text).toContain("sayt: { id: 9, value: 'Сайт', code: null }");
    expect(text).toContain("itSNew: { id: 8, value: 'It\\'s \\\\ new', code: null }");
    expect(text).toContain('ivan: 2,');
    expect(text).not.toContain('contactFields');
  });
});
