import {
  SLA_HOURS,
  TEAM_BY_TYPE,
  enrichTicket,
  generateTicket,
  ticketEventSchema,
  ticketsStream,
  type TicketEvent,
} from '../../../../lambdas/domain/streams/tickets';
import { seededRandom } from '../../../../lambdas/domain/random';
import { aTicket } from '../../../helpers/events';

function parsed(event: Record<string, unknown>): TicketEvent {
  return ticketEventSchema.parse(event);
}

function issuePaths(event: Record<string, unknown>): string[] {
  const result = ticketEventSchema.safeParse(event);
  if (result.success) throw new Error('expected the schema to reject the event');
  return result.error.issues.map((issue) => issue.path.join('.'));
}

describe('ticketEventSchema', () => {
  it('accepts a ticket with every field', () => {
    // Act
    const result = ticketEventSchema.safeParse(aTicket());

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['a ticket id of 64 characters', { ticketId: 't'.repeat(64) }],
    ['clientId 1', { clientId: 1 }],
    ['a request of 1 character', { request: '?' }],
    ['a request of 2000 characters', { request: 'x'.repeat(2000) }],
    ['a creation time with a zone offset', { createdAt: '2026-11-25T05:07:15-03:30' }],
  ])('accepts %s', (_case, overrides) => {
    // Act
    const result = ticketEventSchema.safeParse(aTicket(overrides));

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['a ticket id of 65 characters', { ticketId: 't'.repeat(65) }, 'ticketId'],
    ['an empty ticket id', { ticketId: '' }, 'ticketId'],
    ['clientId 0', { clientId: 0 }, 'clientId'],
    ['a fractional clientId', { clientId: 2.5 }, 'clientId'],
    ['a creation time without zone', { createdAt: '2026-11-25T04:07:15.250' }, 'createdAt'],
    ['a creation date without time', { createdAt: '2026-11-25' }, 'createdAt'],
    ['an empty request', { request: '' }, 'request'],
    ['a request of 2001 characters', { request: 'x'.repeat(2001) }, 'request'],
    ['an unknown type', { type: 'complaint' }, 'type'],
    ['an unknown priority', { priority: 'urgent' }, 'priority'],
    ['a missing priority', { priority: undefined }, 'priority'],
  ])('rejects %s, naming the field', (_case, overrides, field) => {
    // Act
    const paths = issuePaths(aTicket(overrides));

    // Assess
    expect(paths).toEqual([field]);
  });

  it('keeps unknown extra fields', () => {
    // Prepare
    const event = aTicket({ channel: 'email', attachments: ['screenshot.png'] });

    // Act
    const result = ticketEventSchema.parse(event);

    // Assess
    expect(result).toEqual(event);
  });
});

describe('enrichTicket', () => {
  it.each([
    ['incident', 'Technical Support'],
    ['request', 'Customer Care'],
    ['question', 'Information Desk'],
  ])('routes a ticket of type %s to %s', (type, team) => {
    // Act
    const enriched = enrichTicket(parsed(aTicket({ type })));

    // Assess
    expect(enriched.team).toBe(team);
  });

  it.each([
    ['high', '2026-11-25T08:07:15.250Z'],
    ['medium', '2026-11-26T04:07:15.250Z'],
    ['low', '2026-11-28T04:07:15.250Z'],
  ])('makes a %s ticket due at %s', (priority, slaDueAt) => {
    // Act
    const enriched = enrichTicket(parsed(aTicket({ priority, createdAt: '2026-11-25T04:07:15.250Z' })));

    // Assess
    expect(enriched.slaDueAt).toBe(slaDueAt);
  });

  it('gives the SLA due time and minute of a zoned creation time in UTC', () => {
    // Act
    const enriched = enrichTicket(parsed(aTicket({ priority: 'high', createdAt: '2026-11-25T23:30:10+02:00' })));

    // Assess
    expect(enriched.slaDueAt).toBe('2026-11-26T01:30:10.000Z');
    expect(enriched.minute).toBe('2026-11-25T21:30:00Z');
  });

  it('keeps the original fields, extra ones included', () => {
    // Prepare
    const event = parsed(aTicket({ channel: 'email' }));

    // Act
    const enriched = enrichTicket(event);

    // Assess
    expect(enriched).toMatchObject(event);
  });

  it('declares a team for every type and an SLA for every priority', () => {
    // Act
    const teams = Object.keys(TEAM_BY_TYPE).sort();
    const priorities = Object.keys(SLA_HOURS).sort();

    // Assess
    expect(teams).toEqual(['incident', 'question', 'request']);
    expect(priorities).toEqual(['high', 'low', 'medium']);
  });
});

describe('ticketsStream', () => {
  it('takes the id from ticketId, the partition key from clientId and the event time from createdAt, not from the record', () => {
    // Prepare
    const recordTimeMs = Date.parse('2026-11-25T04:10:00Z');
    const event = parsed(aTicket({ ticketId: 't-9', clientId: 314, createdAt: '2026-11-25T05:00:30+01:00' }));

    // Act
    const identity = [ticketsStream.eventId(event), ticketsStream.partitionKey(event), ticketsStream.eventTime(event, recordTimeMs)];

    // Assess
    expect(identity).toEqual(['t-9', '314', '2026-11-25T05:00:30+01:00']);
  });
});

describe('generateTicket', () => {
  const nowMs = Date.parse('2026-11-25T04:07:30Z');

  it('generates tickets the schema accepts, of every type and priority', () => {
    // Prepare
    const random = seededRandom(3);

    // Act
    const tickets = Array.from({ length: 1000 }, () => generateTicket(random, nowMs));
    const failures = tickets.map((ticket) => ticketEventSchema.safeParse(ticket)).filter((result) => !result.success);

    // Assess
    expect(failures).toEqual([]);
    expect(new Set(tickets.map((ticket) => ticket.type))).toEqual(new Set(['incident', 'request', 'question']));
    expect(new Set(tickets.map((ticket) => ticket.priority))).toEqual(new Set(['low', 'medium', 'high']));
  });

  it('generates the same tickets from the same seed', () => {
    // Prepare
    const first = seededRandom(11);
    const second = seededRandom(11);

    // Act
    const a = Array.from({ length: 50 }, () => generateTicket(first, nowMs));
    const b = Array.from({ length: 50 }, () => generateTicket(second, nowMs));

    // Assess
    expect(a).toEqual(b);
  });

  it('creates tickets at most 2 s before now', () => {
    // Prepare
    const random = seededRandom(4);

    // Act
    const times = Array.from({ length: 500 }, () => Date.parse(generateTicket(random, nowMs).createdAt));

    // Assess
    expect(Math.max(...times)).toBeLessThanOrEqual(nowMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(nowMs - 2000);
  });
});
