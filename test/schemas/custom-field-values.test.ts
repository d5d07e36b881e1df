import { describe, expect, it } from 'vitest';
import { cf, getField, getFieldValue, getFieldValues } from '../../src/index.js';
import { fixture } from '../resources/support.js';

describe('cf builders produce Kommo’s write shapes exactly', () => {
  it('matches the examples of the write-shape reference', () => {
    // Kommo's examples of filling in each field type, line by line:
    // https://developers.kommo.com/reference/custom-fields
    expect([
      cf.text(294471, 'Our first client'),
      cf.multitext('PHONE', [{ value: '+79123456789', enum_code: 'WORK' }]),
      cf.multiselect(111, [{ enum_id: 17 }, { enum_id: 19 }]),
      cf.date(9, 1577836800),
      cf.checkbox(5, true),
    ]).toEqual([
      { field_id: 294471, values: [{ value: 'Our first client' }] },
      { field_code: 'PHONE', values: [{ value: '+79123456789', enum_code: 'WORK' }] },
      { field_id: 111, values: [{ enum_id: 17 }, { enum_id: 19 }] },
      { field_id: 9, values: [{ value: 1577836800 }] },
      { field_id: 5, values: [{ value: true }] },
    ]);
  });

  it.each([
    ['text', cf.text('POSITION', 'CTO'), { field_code: 'POSITION', values: [{ value: 'CTO' }] }],
    ['textarea', cf.textarea(1, 'a\nb'), { field_id: 1, values: [{ value: 'a\nb' }] }],
    [
      'url',
      cf.url(1, 'https://x.example'),
      { field_id: 1, values: [{ value: 'https://x.example' }] },
    ],
    [
      'streetaddress',
      cf.streetAddress(1, 'Main st. 1'),
      { field_id: 1, values: [{ value: 'Main st. 1' }] },
    ],
    [
      'tracking_data',
      cf.trackingData('UTM_SOURCE', 'google'),
      { field_code: 'UTM_SOURCE', values: [{ value: 'google' }] },
    ],
    ['numeric', cf.numeric(1, 12.5), { field_id: 1, values: [{ value: 12.5 }] }],
    [
      'numeric as string',
      cf.numeric(1, '0012.50'),
      { field_id: 1, values: [{ value: '0012.50' }] },
    ],
    ['monetary', cf.monetary(1, 1500.75), { field_id: 1, values: [{ value: 1500.75 }] }],
    ['price', cf.price('PRICE', 100), { field_code: 'PRICE', values: [{ value: 100 }] }],
    ['checkbox', cf.checkbox(1, false), { field_id: 1, values: [{ value: false }] }],
    [
      'date from a Date',
      cf.date(9, new Date('2020-01-01T00:00:00Z')),
      { field_id: 9, values: [{ value: 1577836800 }] },
    ],
    [
      'date_time from RFC-3339',
      cf.dateTime(9, '2020-01-01T10:00:00+03:00'),
      { field_id: 9, values: [{ value: '2020-01-01T10:00:00+03:00' }] },
    ],
    ['birthday', cf.birthday(9, 316915200), { field_id: 9, values: [{ value: 316915200 }] }],
    ['select by id', cf.select(1, { enum_id: 17 }), { field_id: 1, values: [{ enum_id: 17 }] }],
    [
      'select by code',
      cf.select(1, { enum_code: 'SITE' }),
      { field_id: 1, values: [{ enum_code: 'SITE' }] },
    ],
    [
      'select by label',
      cf.select(1, { value: '02 - Instagram' }),
      { field_id: 1, values: [{ value: '02 - Instagram' }] },
    ],
    [
      'radiobutton',
      cf.radiobutton(1, { enum_id: 566642 }),
      { field_id: 1, values: [{ enum_id: 566642 }] },
    ],
    ['category', cf.category(1, { enum_id: 3 }), { field_id: 1, values: [{ enum_id: 3 }] }],
    [
      'multiselect mixed',
      cf.multiselect(1, [{ enum_id: 1 }, { enum_code: 'B' }]),
      { field_id: 1, values: [{ enum_id: 1 }, { enum_code: 'B' }] },
    ],
    ['multitext plain', cf.multitext(1, ['@ann']), { field_id: 1, values: [{ value: '@ann' }] }],
    [
      'phones',
      cf.phones(['+1', { value: '+2', enum_id: 126294 }]),
      {
        field_code: 'PHONE',
        values: [
          { value: '+1', enum_code: 'WORK' },
          { value: '+2', enum_id: 126294 },
        ],
      },
    ],
    [
      'emails',
      cf.emails(['a@x.example'], 'PRIV'),
      { field_code: 'EMAIL', values: [{ value: 'a@x.example', enum_code: 'PRIV' }] },
    ],
    [
      'smart_address',
      cf.smartAddress(1, {
        city: 'Moscow',
        address_line_1: 'Nikoloyamskaya st. 28/60',
        country: 'RU',
      }),
      {
        field_id: 1,
        values: [
          { value: 'Nikoloyamskaya st. 28/60', enum_id: 1 },
          { value: 'Moscow', enum_id: 3 },
          { value: 'RU', enum_id: 6 },
        ],
      },
    ],
    [
      'legal_entity',
      cf.legalEntity(1, { name: 'Horns LLC', entity_type: 2, vat_id: '77' }),
      { field_id: 1, values: [{ value: { name: 'Horns LLC', entity_type: 2, vat_id: '77' } }] },
    ],
    [
      'file',
      cf.file(1, { file_uuid: 'u', version_uuid: 'v', file_name: 'c.pdf' }),
      {
        field_id: 1,
        values: [{ value: { file_uuid: 'u', version_uuid: 'v', file_name: 'c.pdf' } }],
      },
    ],
    [
      'linked_entity',
      cf.linkedEntity(1, { entity_id: 5, entity_type: 'contacts', name: 'Ann' }),
      { field_id: 1, values: [{ value: { entity_id: 5, entity_type: 'contacts', name: 'Ann' } }] },
    ],
    [
      'items',
      cf.items(1, [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ]),
      {
        field_id: 1,
        values: [{ value: { sku: 'A', quantity: 2 } }, { value: { sku: 'B', quantity: 1 } }],
      },
    ],
    ['payer', cf.payer(1, { name: 'Ann' }), { field_id: 1, values: [{ value: { name: 'Ann' } }] }],
    [
      'supplier',
      cf.supplier('SUPPLIER', { name: 'Acme' }),
      { field_code: 'SUPPLIER', values: [{ value: { name: 'Acme' } }] },
    ],
    [
      'chained_list',
      cf.chainedList(1, [{ catalog_id: 1001, catalog_element_id: 12235 }]),
      { field_id: 1, values: [{ catalog_id: 1001, catalog_element_id: 12235 }] },
    ],
    ['clear', cf.clear(1), { field_id: 1, values: null }],
    ['raw', cf.raw('NEW', [{ value: 'x' }]), { field_code: 'NEW', values: [{ value: 'x' }] }],
  ])('%s', (_name, built, expected) => {
    expect(built).toEqual(expected);
  });

  it('refuses an invalid Date', () => {
    expect(() => cf.date(1, new Date('nope'))).toThrow(TypeError);
  });
});

describe('getFieldValue and getFieldValues read every field type', () => {
  const lead = fixture('leads_list_embedded.json')._embedded.leads[0];

  it.each([
    ['checkbox', 1276648, [true]],
    ['select (label)', 1271495, ['01 - WHATSAPP LITE']],
    ['multiselect (labels)', 1276694, ['03 - PRE-BOOKING', '05 - FOLLOW-UP']],
    ['date_time', 1251802, [1734012000]],
    ['date', 1251808, [1733961600]],
    ['birthday', 1251460, [1047265200]],
    ['url', 1280049, ['https://forms.example.com/03b4b7324c66abc6b124c7d8ff7d4f4d']],
    [
      'textarea',
      1268288,
      ['Need to pay\nCan you leave my laptop there\nGroup is only for announcements'],
    ],
    ['numeric sent as a string', 1268301, [12.5]],
    ['monetary', 1268305, [1500.75]],
    ['tracking_data', 771926, ['google']],
    ['smart_address', 1269600, ['Nikoloyamskaya st. 28/60', 'Moscow', '109004', 'RU']],
    [
      'chained_list',
      1269630,
      [
        { catalog_id: 1001, catalog_element_id: 12235 },
        { catalog_id: 1007, catalog_element_id: 12243 },
      ],
    ],
    ['radiobutton', 1269640, ['Phone']],
  ])('%s', (_name, fieldId, expected) => {
    expect(getFieldValues(lead, fieldId)).toEqual(expected);
    expect(getFieldValue(lead, fieldId)).toEqual(expected[0]);
  });

  it('reads object values as they are (legal_entity, file)', () => {
    expect(getFieldValue(lead, 1269610)).toMatchObject({
      name: 'Horns and Hooves LLC',
      entity_type: 2,
      tax_registration_reason_code: null,
    });
    expect(getFieldValue(lead, 1269620)).toEqual({
      file_uuid: '3b454645-5c7f-4539-9ef9-0dd1b3638dad',
      version_uuid: '13db6652-b3ed-4fff-aed8-0c6f3c43b887',
      file_name: 'contract.pdf',
      file_size: 20763,
    });
  });

  it('finds fields by code case-insensitively, and gives enum ids through getField', () => {
    expect(getFieldValue(lead, 'utm_source')).toBe('google');
    expect(getField(lead, 1276694)?.values?.[1]).toMatchObject({
      enum_id: 925368,
      enum_code: 'FOLLOW_UP',
    });
  });

  it('reads text, price, category and the webhook-style checkbox', () => {
    const entity = {
      custom_fields_values: [
        { field_id: 1, field_type: 'text', values: [{ value: 'x' }] },
        { field_id: 2, field_type: 'price', values: [{ value: '100' }] },
        { field_id: 3, field_type: 'category', values: [{ value: 'Shoes', enum_id: 7 }] },
        { field_id: 4, field_type: 'checkbox', values: [{ value: '1' }] },
        { field_id: 5, field_type: 'date', values: [{ value: '2024-01-01T00:00:00+00:00' }] },
        {
          field_id: 6,
          field_type: 'linked_entity',
          values: [{ value: { entity_id: 5, entity_type: 'contacts' } }],
        },
        { field_id: 7, field_type: 'items', values: [{ value: { sku: 'A' } }] },
        { field_id: 8, field_type: 'payer', values: [{ value: { name: 'Ann' } }] },
        { field_id: 9, field_type: 'supplier', values: [{ value: { name: 'Acme' } }] },
        { field_id: 10, field_type: 'multitext', values: [{ value: '+1', enum_code: 'WORK' }] },
        { field_id: 11, field_type: 'streetaddress', values: [{ value: 'Main st.' }] },
        { field_id: 12, field_type: 'some_new_type', values: [{ value: '007', weird: true }] },
      ],
    };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((id) => getFieldValue(entity, id))).toEqual([
      'x',
      100,
      'Shoes',
      true,
      '2024-01-01T00:00:00+00:00',
      { entity_id: 5, entity_type: 'contacts' },
      { sku: 'A' },
      { name: 'Ann' },
      { name: 'Acme' },
      '+1',
      'Main st.',
      '007',
    ]);
  });

  it('gives [] and undefined for an absent field or an entity without fields', () => {
    expect(getFieldValues(lead, 999)).toEqual([]);
    expect(getFieldValue({ custom_fields_values: null }, 'PHONE')).toBeUndefined();
    expect(getFieldValue(undefined, 1)).toBeUndefined();
  });
});
