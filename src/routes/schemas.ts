/** JSON Schemas shared by the routes. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema } as const;

export const purposeQuery = {
  type: 'object',
  properties: { purpose: { type: 'string', minLength: 1, maxLength: 200, description: 'Why the data is needed; must be one of the grant\'s purposes' } },
} as const;

/** A disclosed record: only granted fields, each with where it came from. */
export const disclosureSchema = {
  type: 'object',
  required: ['period', 'data', 'provenance'],
  properties: {
    period: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    provenance: { type: 'object', additionalProperties: true },
  },
} as const;
