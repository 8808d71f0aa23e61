/**
 * The Interior's BurialService operations, behind authentication and the header check: what the
 * agency answers, the tickets it keeps, and the callbacks it schedules. See README.md for the rules.
 */
import { createHash, randomUUID } from 'node:crypto';
import { type BurialDecision, casablancaDateTime, communeByCode, decideBurial, PEOPLE, personByCnie } from './register';
import { esc, faultXml, get, getAll, responseEnvelope, str, type Incoming } from '../_kit/soap';
import type { CallbackJob } from './callbacks';

export type TicketState = 'PENDING' | 'GRANTED' | 'REFUSED' | 'NEEDS_INFO' | 'TRANSCRIBED';

export interface Ticket {
  ticket: string;
  messageId: string;
  caseReference: string;
  kind: 'burial' | 'transcription';
  state: TicketState;
  receivedAt: string;
  /** Decided at submission, made known (state, callback) when the callback is due. */
  decision?: BurialDecision;
  deathAct?: { communeCode: string; year: number; actNumber: string };
  callbackId: string;
}

export interface StoredState { seq: number; tickets: Ticket[] }

export interface Outcome {
  status: number;
  xml: string;
  /** Callback to make for a new submission. */
  callback?: { job: CallbackJob; ticket: Ticket };
}

const DATE = /^\d{2}\/\d{2}\/\d{4}$/;
const DATE_TIME = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/;
const ALPHA3 = /^[A-Z]{3}$/;
const KINDS = ['DEATH_ACT', 'COFFIN_SEALING', 'OTHER'];

export class BurialService {
  constructor(private readonly state: StoredState, private readonly persist: () => Promise<void>) {}

  private byMessageId(id: string): Ticket | undefined {
    return this.state.tickets.find((t) => t.messageId === id);
  }

  byTicket(ticket: string): Ticket | undefined {
    return this.state.tickets.find((t) => t.ticket === ticket);
  }

  async handle(env: Incoming, id: string, issue: string, hash: string): Promise<Outcome> {
    const answer = (bodyXml: string): Outcome => ({ status: 200, xml: responseEnvelope(id, hash, bodyXml) });
    const fault = (code: 'VALIDATION' | 'DUPLICATE_MESSAGE' | 'UNKNOWN_COMMUNE', message: string, extra: { ticket?: string; fields?: string[] } = {}): Outcome =>
      ({ status: 500, xml: responseEnvelope(id, hash, faultXml('soapenv:Client', message, code, extra)) });

    switch (env.bodyName) {
      case 'BurialAuthorisationRequest':
      case 'DeathTranscriptionRequest': {
        const earlier = this.byMessageId(id);
        if (earlier) return fault('DUPLICATE_MESSAGE', 'Message déjà reçu.', { ticket: earlier.ticket });
        const burial = env.bodyName === 'BurialAuthorisationRequest';
        const fields = validate(env.body, burial);
        if (str(get(env.body, 'caseReference')) !== undefined && str(get(env.body, 'caseReference')) !== issue) fields.push('caseReference');
        if (fields.length > 0) return fault('VALIDATION', 'Requête invalide.', { fields });
        const communeCode = str(get(get(env.body, 'burial'), 'communeCode')) ?? '';
        if (burial && !communeByCode(communeCode)) return fault('UNKNOWN_COMMUNE', 'Commune inconnue.');
        const ticket = await this.create(env.body, id, issue, burial);
        const ack = `<mi:Ack><mi:ticket>${esc(ticket.ticket)}</mi:ticket><mi:receivedAt>${esc(ticket.receivedAt)}</mi:receivedAt></mi:Ack>`;
        return { ...answer(ack), callback: { job: callbackJob(ticket), ticket } };
      }
      case 'GetBurialAuthorisationStatus': {
        const found = this.byTicket(str(get(env.body, 'ticket')) ?? '');
        if (!found || found.kind !== 'burial') return fault('VALIDATION', 'Ticket inconnu.', { fields: ['ticket'] });
        const decision = found.state !== 'PENDING' && found.decision ? `<mi:decision>${decisionFields(found.decision, 'mi')}</mi:decision>` : '';
        return answer(`<mi:GetBurialAuthorisationStatusResponse><mi:ticket>${esc(found.ticket)}</mi:ticket><mi:state>${found.state}</mi:state>${decision}</mi:GetBurialAuthorisationStatusResponse>`);
      }
      case 'GetCivilStatusExtract':
        return this.extract(env.body, answer, fault);
      default:
        return fault('VALIDATION', 'Opération inconnue.', { fields: ['Body'] });
    }
  }

  /** The decision becomes visible (GetBurialAuthorisationStatus) when its callback is due. */
  async reveal(ticket: Ticket): Promise<void> {
    if (ticket.state !== 'PENDING') return;
    ticket.state = ticket.kind === 'burial' ? ticket.decision?.decision ?? 'PENDING' : 'TRANSCRIBED';
    await this.persist();
  }

  private async create(body: unknown, messageId: string, caseReference: string, burial: boolean): Promise<Ticket> {
    this.state.seq += 1;
    const seq = this.state.seq;
    const now = new Date();
    const deceased = get(body, 'deceased');
    const death = get(body, 'death');
    const ticket: Ticket = {
      ticket: `MI-${burial ? 'INH' : 'TRD'}-${now.getUTCFullYear()}-${String(seq).padStart(6, '0')}`,
      messageId, caseReference, kind: burial ? 'burial' : 'transcription', state: 'PENDING', receivedAt: casablancaDateTime(now), callbackId: randomUUID(),
    };
    const cnie = str(get(deceased, 'cnie'));
    if (burial) {
      ticket.decision = decideBurial({
        cnie,
        birthDate: str(get(deceased, 'birthDate')) ?? '',
        causeSealed: ['true', '1'].includes(str(get(death, 'causeSealed')) ?? ''),
        communeCode: str(get(get(body, 'burial'), 'communeCode')) ?? '',
        attachmentKinds: getAll(body, 'attachments').map((a) => str(get(a, 'kind')) ?? ''),
        expectedAt: str(get(get(body, 'arrival'), 'expectedAt')) ?? '',
      }, seq);
    } else {
      const person = cnie ? personByCnie(cnie) : undefined;
      const year = Number((str(get(death, 'date')) ?? '').slice(6, 10));
      ticket.deathAct = { communeCode: person?.birthCommune ?? '141011', year, actNumber: `${year}/D${String(seq).padStart(5, '0')}` };
    }
    this.state.tickets.push(ticket);
    await this.persist();
    return ticket;
  }

  private extract(body: unknown, answer: (xml: string) => Outcome, fault: (code: 'VALIDATION', message: string, extra: { fields: string[] }) => Outcome): Outcome {
    const act = get(body, 'act');
    const ref = { communeCode: str(get(act, 'communeCode')) ?? '', year: Number(str(get(act, 'year'))), actNumber: str(get(act, 'actNumber')) ?? '', actType: str(get(act, 'actType')) ?? '' };
    const actXml = `<mi:act><mi:communeCode>${esc(ref.communeCode)}</mi:communeCode><mi:year>${ref.year}</mi:year><mi:actNumber>${esc(ref.actNumber)}</mi:actNumber><mi:actType>${esc(ref.actType)}</mi:actType></mi:act>`;
    const personXml = (p: (typeof PEOPLE)[number]): string => `<mi:familyNameLatin>${esc(p.familyNameLatin)}</mi:familyNameLatin><mi:givenNamesLatin>${esc(p.givenNamesLatin)}</mi:givenNamesLatin>`
      + `<mi:familyNameArabic>${esc(p.familyNameArabic)}</mi:familyNameArabic><mi:givenNamesArabic>${esc(p.givenNamesArabic)}</mi:givenNamesArabic>`;
    if (ref.actType === 'BIRTH') {
      const person = PEOPLE.find((p) => p.birthCommune === ref.communeCode && p.birthAct.year === ref.year && p.birthAct.actNumber === ref.actNumber);
      if (person) return answer(`<mi:CivilStatusExtract>${actXml}${personXml(person)}<mi:eventDate>${person.birthDate}</mi:eventDate><mi:eventPlace>${esc(communeByCode(person.birthCommune)?.name ?? '')}</mi:eventPlace>${person.death ? `<mi:mentions>Décédée le ${person.death.date} à ${esc(person.death.place)}</mi:mentions>` : ''}</mi:CivilStatusExtract>`);
    }
    if (ref.actType === 'DEATH') {
      const transcribed = this.state.tickets.find((t) => t.state === 'TRANSCRIBED' && t.deathAct?.communeCode === ref.communeCode && t.deathAct.year === ref.year && t.deathAct.actNumber === ref.actNumber);
      const person = PEOPLE.find((p) => p.death && p.birthCommune === ref.communeCode);
      if (transcribed && person?.death) return answer(`<mi:CivilStatusExtract>${actXml}${personXml(person)}<mi:eventDate>${person.death.date}</mi:eventDate><mi:eventPlace>${esc(person.death.place)}</mi:eventPlace></mi:CivilStatusExtract>`);
    }
    // The contract has no "not found" fault: an act the register does not hold is a VALIDATION fault on `act`.
    return fault('VALIDATION', 'Acte introuvable.', { fields: ['act'] });
  }
}

function callbackJob(ticket: Ticket): CallbackJob {
  if (ticket.kind === 'burial' && ticket.decision) {
    return {
      id: ticket.callbackId, operation: 'NotifyBurialAuthorisationDecision', ticket: ticket.ticket, caseReference: ticket.caseReference,
      bodyXml: `<cb:NotifyBurialAuthorisationDecision><cb:ticket>${esc(ticket.ticket)}</cb:ticket><cb:caseReference>${esc(ticket.caseReference)}</cb:caseReference>${decisionFields(ticket.decision, 'cb')}</cb:NotifyBurialAuthorisationDecision>`,
    };
  }
  const act = ticket.deathAct ?? { communeCode: '', year: 0, actNumber: '' };
  return {
    id: ticket.callbackId, operation: 'NotifyDeathTranscription', ticket: ticket.ticket, caseReference: ticket.caseReference,
    bodyXml: `<cb:NotifyDeathTranscription><cb:ticket>${esc(ticket.ticket)}</cb:ticket><cb:caseReference>${esc(ticket.caseReference)}</cb:caseReference>`
      + `<cb:deathAct><cb:communeCode>${esc(act.communeCode)}</cb:communeCode><cb:year>${act.year}</cb:year><cb:actNumber>${esc(act.actNumber)}</cb:actNumber></cb:deathAct></cb:NotifyDeathTranscription>`,
  };
}

function decisionFields(d: BurialDecision, p: string): string {
  const field = (name: string, value: string | undefined): string => (value === undefined ? '' : `<${p}:${name}>${esc(value)}</${p}:${name}>`);
  const first = p === 'cb' ? field('decision', d.decision) : '';
  return first + field('authorisationNumber', d.authorisationNumber) + field('issuingCommune', d.issuingCommune) + field('validUntil', d.validUntil) + field('conditions', d.conditions) + field('reason', d.reason);
}

/** Field paths that are missing or malformed (never their values). */
function validate(body: unknown, burial: boolean): string[] {
  const bad: string[] = [];
  const need = (path: string, test: (v: string) => boolean = (v) => v.trim() !== ''): void => {
    const value = path.split('.').reduce<unknown>((node, key) => get(node, key), body);
    const s = str(value);
    if (s === undefined || !test(s)) bad.push(path);
  };
  need('caseReference');
  for (const f of ['familyNameLatin', 'givenNamesLatin', 'familyNameArabic', 'givenNamesArabic', 'birthPlace']) need(`deceased.${f}`);
  need('deceased.birthDate', (v) => DATE.test(v));
  need('death.date', (v) => DATE.test(v));
  need('death.country', (v) => ALPHA3.test(v));
  need('death.city');
  need('death.causeSealed', (v) => ['true', 'false', '1', '0'].includes(v));
  if (burial) {
    need('burial.communeCode');
    need('burial.familyContact.name');
    need('burial.familyContact.phone');
    need('arrival.expectedAt', (v) => DATE_TIME.test(v));
    need('arrival.borderPost', (v) => ALPHA3.test(v));
    need('funeralOperator.name');
    need('funeralOperator.country', (v) => ALPHA3.test(v));
  }
  getAll(body, 'attachments').forEach((a, i) => {
    const kind = str(get(a, 'kind'));
    const sha = str(get(a, 'sha256'));
    const content = str(get(a, 'content')) ?? '';
    if (!kind || !KINDS.includes(kind)) bad.push(`attachments[${i}].kind`);
    if (!str(get(a, 'mediaType'))) bad.push(`attachments[${i}].mediaType`);
    if (!/^[A-Za-z0-9+/=\s]*$/.test(content)) bad.push(`attachments[${i}].content`);
    else if (!sha || sha.toLowerCase() !== createHash('sha256').update(Buffer.from(content, 'base64')).digest('hex')) bad.push(`attachments[${i}].sha256`);
  });
  return bad;
}
