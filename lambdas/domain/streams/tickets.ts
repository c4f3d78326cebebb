/**
 * `tickets`: customer-support tickets, routed to a team and given an SLA by priority.
 */
import { z } from 'zod';
import { pick, pickWeighted, randomHexId, randomInt, type RandomSource } from '../random';
import { formatInstant, formatMinute, parseInstant, windowStartOf } from '../time';
import type { StreamDefinition } from './types';

const TICKET_TYPES = ['incident', 'request', 'question'] as const;
const PRIORITIES = ['low', 'medium', 'high'] as const;

/** A raw `tickets` event; unknown extra fields are kept. */
export const ticketEventSchema = z.looseObject({
  ticketId: z.string().min(1).max(64),
  clientId: z.number().int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  request: z.string().min(1).max(2000),
  type: z.enum(TICKET_TYPES),
  priority: z.enum(PRIORITIES),
});

/** A raw `tickets` event. */
export type TicketEvent = z.infer<typeof ticketEventSchema>;

/** The team a ticket type is routed to. */
export const TEAM_BY_TYPE = {
  incident: 'Technical Support',
  request: 'Customer Care',
  question: 'Information Desk',
} as const satisfies Record<TicketEvent['type'], string>;

/** Hours to resolve by priority, from which `slaDueAt` follows. */
export const SLA_HOURS = { high: 4, medium: 24, low: 72 } as const satisfies Record<TicketEvent['priority'], number>;

/** A `tickets` event after enrichment. */
export type EnrichedTicketEvent = TicketEvent & {
  team: (typeof TEAM_BY_TYPE)[keyof typeof TEAM_BY_TYPE];
  /** createdAt + the priority's SLA, in UTC. */
  slaDueAt: string;
  /** UTC start of the event-time minute window. */
  minute: string;
};

/** Enriches one validated `tickets` event. */
export function enrichTicket(event: TicketEvent): EnrichedTicketEvent {
  const createdAtMs = parseInstant(event.createdAt);
  return {
    ...event,
    team: TEAM_BY_TYPE[event.type],
    slaDueAt: formatInstant(createdAtMs + SLA_HOURS[event.priority] * 3_600_000),
    minute: formatMinute(windowStartOf(createdAtMs)),
  };
}

const REQUESTS: Readonly<Record<TicketEvent['type'], readonly string[]>> = {
  incident: [
    'Checkout fails with error 502 after payment',
    'Mobile app crashes when opening order history',
    'Invoice PDF download returns a blank page',
  ],
  request: [
    'Please change the delivery address of my last order',
    'I would like a refund for a damaged item',
    'Add a second user to our business account',
  ],
  question: [
    'Which payment methods do you accept?',
    'How long does delivery to Norway take?',
    'Do you ship wine to Switzerland?',
  ],
};

/** A realistic random `tickets` event. */
export function generateTicket(random: RandomSource, nowMs: number): TicketEvent {
  const type = pickWeighted(random, [
    ['incident', 30],
    ['request', 45],
    ['question', 25],
  ] as const);
  return {
    ticketId: `t-${randomHexId(random, 20)}`,
    clientId: randomInt(random, 1, 2000),
    createdAt: new Date(nowMs - randomInt(random, 0, 2000)).toISOString(),
    request: pick(random, REQUESTS[type]),
    type,
    priority: pickWeighted(random, [
      ['low', 50],
      ['medium', 35],
      ['high', 15],
    ] as const),
  };
}

/** The `tickets` stream. */
export const ticketsStream: StreamDefinition<TicketEvent, EnrichedTicketEvent> = {
  name: 'tickets',
  description: 'Customer support tickets, routed to a team with an SLA',
  display: {
    title: 'Support tickets',
    totals: [
      { key: 'tickets', label: 'Tickets', aggregation: 'by_type', measure: 'count' },
      { key: 'high_priority', label: 'High priority', aggregation: 'by_priority', measure: 'count', group: { priority: 'high' } },
    ],
  },
  schema: ticketEventSchema,
  eventId: (event) => event.ticketId,
  partitionKey: (event) => String(event.clientId),
  eventTime: (event) => event.createdAt,
  enrich: enrichTicket,
  generate: generateTicket,
  aggregations: [
    { name: 'by_type', description: 'Tickets per minute by type', groupBy: ['type'], display: { title: 'Tickets by type', unit: 'tickets' } },
    {
      name: 'by_priority',
      description: 'Tickets per minute by priority',
      groupBy: ['priority'],
      display: { title: 'Tickets by priority', unit: 'tickets', groupOrder: ['low', 'medium', 'high'] },
    },
    { name: 'by_team', description: 'Tickets per minute by routing team', groupBy: ['team'], display: { title: 'Tickets by team', unit: 'tickets' } },
  ],
};
