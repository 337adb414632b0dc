/** JSON Schemas shared by the routes. */
/** Every error's one body (see plugins/httpErrors.ts). */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message', 'requestId'],
  properties: {
    error: { type: 'string', description: 'A stable code, e.g. not_granted, invalid_purpose, rate_limited' },
    message: { type: 'string', description: 'What went wrong, in words; at most a short excerpt of what was sent' },
    requestId: { type: 'string', description: 'The request id, also in the request-id header and the audit record' },
  },
} as const;

export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema } as const;

export const purposeQuery = {
  type: 'object',
  properties: { purpose: { type: 'string', minLength: 1, maxLength: 200, description: 'Why the data is needed; must be one of the grant\'s purposes' } },
} as const;

/** A disclosed record: only granted fields, each with where it came from. */
export const disclosureSchema = {
  type: 'object',
  required: ['period', 'data', 'provenance', 'sources'],
  properties: {
    period: { type: 'string' },
    data: { type: 'object', additionalProperties: true, description: 'The granted fields, masked where the grant says' },
    provenance: { type: 'object', additionalProperties: { type: 'string' }, description: 'Each field\'s source group (a key of sources)' },
    sources: {
      type: 'object', description: 'Each source group once: the department, batch, file and line the values came from, and the date the department last changed them; null when no department holds the group for this subject',
      additionalProperties: { type: ['object', 'null'], properties: { department: { type: 'string' }, batch: { type: 'string' }, file: { type: 'string' }, line: { type: 'integer' }, updated: { type: ['string', 'null'] } } },
    },
  },
} as const;
