/** What `/metrics` reports, gathered from the database and this instance's relay and consumers. */
export interface DeliveryMetrics {
  readonly outboxWaiting: number;
  readonly published: number;
  readonly republished: number;
  readonly deadLetters: number;
  readonly consumed: readonly { readonly name: string; readonly counts: Readonly<Record<string, number>> }[];
}

/** A label value in the exposition format: backslash, double quote and line feed escaped. */
function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

/** The metrics in the Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(m: DeliveryMetrics): string {
  const lines = [
    '# HELP umbrella_outbox_waiting Events committed but not yet published to Kafka.',
    '# TYPE umbrella_outbox_waiting gauge',
    `umbrella_outbox_waiting ${m.outboxWaiting}`,
    '# HELP umbrella_outbox_published_total Events this instance published to Kafka (acknowledged).',
    '# TYPE umbrella_outbox_published_total counter',
    `umbrella_outbox_published_total ${m.published}`,
    '# HELP umbrella_outbox_republished_total Events this instance sent to Kafka again after a send that failed, or found already published by another instance after sending them.',
    '# TYPE umbrella_outbox_republished_total counter',
    `umbrella_outbox_republished_total ${m.republished}`,
    '# HELP umbrella_dead_letters Messages this service has dead-lettered.',
    '# TYPE umbrella_dead_letters gauge',
    `umbrella_dead_letters ${m.deadLetters}`,
    '# HELP umbrella_consumed_total Messages consumed by this instance, by consumer and outcome.',
    '# TYPE umbrella_consumed_total counter',
    ...m.consumed.flatMap(({ name, counts }) =>
      Object.entries(counts).map(([outcome, n]) => `umbrella_consumed_total{consumer="${label(name)}",outcome="${label(outcome)}"} ${n}`),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
