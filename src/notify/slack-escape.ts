// Values from the desired-state files, git and AWS go into Slack mrkdwn. Slack reads `<...>` as
// a link or a mention (`<!here>`, `<!channel>`, `<https://evil.example|the fix>`) and `&` as the
// start of an entity, and asks senders to escape exactly these three as &amp; &lt; &gt;
// (https://api.slack.com/reference/surfaces/formatting#escaping). A newline in a value (a file
// name may hold one) would start a fake bullet line, so control characters, line and paragraph
// separators and bidirectional overrides become a space first.

// C0 and C1 controls (tab and newline included), DEL, U+2028/U+2029, bidi embeddings/overrides/isolates
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One value as inert Slack text: one line, no link, mention or entity of its own. */
export function slackText(value: unknown): string {
  return String(value).replace(CONTROL, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
