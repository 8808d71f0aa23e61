import type { OutboxDraft } from './ports';

/**
 * What a consular service's handler (services/<code>/) answers to the generic lifecycle, over the broker:
 * `<handler>.plan` at submission, `<handler>.render` when an action issues a document.
 */
export interface SubmissionDraft { service: string; post: string; applicant: Record<string, unknown>; data: Record<string, unknown> }

export interface SubmissionPlan {
  /** Status right after submission: `submitted`, or `awaiting-partners` when partners are asked at once. */
  status: string;
  note?: string;
  outbox: OutboxDraft[];
}

export interface RenderedDocument { filename: string; contentType: string; contentBase64: string }
