/** The applicant of every request (DESIGN §4a). The portal checks the envelope too; the service does not rely on it. */
export const applicantSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['familyName', 'givenNames', 'birthDate'],
  properties: {
    familyName: { type: 'string', minLength: 1, maxLength: 100 },
    givenNames: { type: 'string', minLength: 1, maxLength: 150 },
    familyNameAr: { type: 'string', minLength: 1, maxLength: 100 },
    givenNamesAr: { type: 'string', minLength: 1, maxLength: 150 },
    birthDate: { type: 'string', format: 'date' },
    cnie: { type: 'string', pattern: '^[A-Z]{1,2}[0-9]{4,8}$' },
    email: { type: 'string', format: 'email', maxLength: 254 },
    phone: { type: 'string', pattern: '^\\+?[0-9 ().-]{6,20}$' },
    address: {
      type: 'object', additionalProperties: false,
      properties: {
        line1: { type: 'string', maxLength: 200 }, line2: { type: 'string', maxLength: 200 }, city: { type: 'string', maxLength: 100 },
        postalCode: { type: 'string', maxLength: 20 }, region: { type: 'string', maxLength: 100 }, country: { type: 'string', pattern: '^[A-Z]{3}$' },
      },
    },
  },
} as const;
