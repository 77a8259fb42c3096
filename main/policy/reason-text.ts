/**
 * `@reason` / `@denial` annotation templates: plain text with `{name}` placeholders filled
 * from the request, so a denial reads "evidence.read … tenant globex" instead of a bare id.
 */
export const PLACEHOLDERS = [
  'action',
  'principal.id',
  'principal.tenant',
  'principal.region',
  'resource.id',
  'resource.kind',
  'resource.tenant',
  'resource.region',
  'resource.sensitivity',
  'resource.purpose',
  'resource.subject',
  'context.purpose',
  'context.destinationRegion',
  'context.residencyException',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Readonly<Record<Placeholder, string>>;

const TOKEN = /\{([^{}]*)\}/g;

/** Placeholders a template names that we cannot fill (a policy naming one is refused at save). */
export function templateProblems(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(TOKEN)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1]!)) out.push(`unknown placeholder {${m[1]}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
  }
  return out;
}

export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(TOKEN, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}
