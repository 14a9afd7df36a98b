export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const metricName = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const helpLine = new RegExp(`^# HELP (${metricName}) .*$`);
const typeLine = new RegExp(`^# TYPE (${metricName}) (counter|gauge|histogram|summary|untyped)$`);
const sampleLine = new RegExp(`^(${metricName})(?:\\{(.*)\\})? (-?[0-9.]+(?:e[+-]?\\d+)?|[Nn]a[Nn]|\\+Inf|-Inf)(?: -?\\d+)?$`);
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/y;

/**
 * Parses the Prometheus text exposition format (0.0.4) strictly: any line that is not a HELP,
 * TYPE or well-formed sample throws, and every sample's family must have been TYPEd first.
 * NaN is matched without regard to case, as Prometheus's own parser does (prom-client writes "Nan").
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (helpLine.test(line)) continue;
    const type = typeLine.exec(line);
    if (type) {
      typed.set(type[1] as string, type[2] as string);
      continue;
    }
    const sample = sampleLine.exec(line);
    if (!sample) throw new Error(`not a valid exposition line: ${line}`);
    const name = sample[1] as string;
    const family = [name, name.replace(/_(bucket|sum|count|total)$/, '')].find((candidate) => typed.has(candidate));
    if (!family) throw new Error(`sample before its TYPE line: ${line}`);
    samples.push({ name, labels: parseLabels(sample[2] ?? '', line), value: Number(sample[3] === '+Inf' ? Infinity : sample[3]) });
  }
  return samples;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  labelPair.lastIndex = 0;
  while (labelPair.lastIndex < text.length) {
    const match = labelPair.exec(text);
    if (!match) throw new Error(`bad labels in: ${line}`);
    labels[match[1] as string] = (match[2] as string).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
  }
  return labels;
}

/** The value of the one sample with this name and (at least) these labels; 0 when absent. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const matching = samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (matching.length > 1) throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matching[0]?.value ?? 0;
}
