/**
 * Beacon's own fixed-format token rules, on top of gitleaks' (gitleaks.ts). Each is here
 * because gitleaks' set misses it or finds it only in some surroundings:
 *  - OpenAI / Anthropic keys of any length after the prefix (gitleaks wants exact lengths and
 *    the `T3BlbkFJ` marker; test, short or newer keys are still keys);
 *  - Google OAuth access tokens (`ya29.`) and OAuth client secrets (`GOCSPX-`): no gitleaks rule;
 *  - Stripe webhook signing secrets (`whsec_`): no gitleaks rule;
 *  - New Relic user keys and Telegram bot tokens outside a `key = value` line (gitleaks' rules
 *    for them want one);
 *  - AI providers an agent's user is likely to paste (Groq `gsk_`, xAI `xai-`, Replicate `r8_`);
 *  - the kinds Beacon named before gitleaks was added (AWS key ids, GitHub, Slack, JWT), kept so
 *    their markers and their coverage never depend on the imported set.
 * A token may only start where a run of token characters starts (the lookbehind), which also
 * keeps the patterns from being retried inside a long run.
 */
import type { Detector, Span } from './detector';

const TB = '(?<![A-Za-z0-9_-])';

function token(id: string, keywords: string[], pattern: string, kind: string): Detector {
  const re = new RegExp(pattern, 'g');
  return {
    id: `beacon:${id}`,
    keywords,
    find(text: string, out: Span[]): void {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) out.push({ start: m.index, end: m.index + m[0].length, kind });
    },
  };
}

export const beaconTokens: Detector[] = [
  token('anthropic-key', ['sk-ant-'], `${TB}sk-ant-[A-Za-z0-9_-]{20,}`, 'anthropic-key'),
  token('openai-key', ['sk-'], `${TB}sk-(?!ant-)(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{20,}`, 'openai-key'),
  token('google-oauth-token', ['ya29.'], `${TB}ya29\\.[A-Za-z0-9._-]{20,}`, 'google-oauth-token'),
  token('google-oauth-client-secret', ['gocspx-'], `${TB}GOCSPX-[A-Za-z0-9_-]{20,}`, 'google-oauth-client-secret'),
  token('google-api-key', ['aiza'], `${TB}AIza[A-Za-z0-9_-]{35}`, 'google-api-key'),
  token('stripe-key', ['sk_', 'rk_'], `${TB}(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,}`, 'stripe-key'),
  token('stripe-webhook-secret', ['whsec_'], `${TB}whsec_[A-Za-z0-9+/=]{20,}`, 'stripe-webhook-secret'),
  token('groq-key', ['gsk_'], `${TB}gsk_[A-Za-z0-9]{40,}`, 'groq-key'),
  token('xai-key', ['xai-'], `${TB}xai-[A-Za-z0-9]{60,}`, 'xai-key'),
  token('replicate-token', ['r8_'], `${TB}r8_[A-Za-z0-9]{30,}`, 'replicate-token'),
  token('aws-access-key-id', ['akia', 'asia', 'agpa', 'aida', 'aroa', 'anpa', 'anva', 'aipa', 'abia', 'acca'], '\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\\b', 'aws-access-key-id'),
  token('github-token', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], `${TB}(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`, 'github-token'),
  token('slack-token', ['xox'], `${TB}xox[abprseo](?:\\.xox[bp])?-[A-Za-z0-9-]{10,}`, 'slack-token'),
  token('slack-app-token', ['xapp-'], `${TB}xapp-\\d-[A-Za-z0-9-]{10,}`, 'slack-token'),
  token('slack-webhook', ['hooks.slack.com'], 'https://hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+', 'slack-webhook'),
  token('new-relic-user-key', ['nrak-'], `${TB}NRAK-[A-Z0-9]{27}`, 'new-relic-user-api-key'),
  token('telegram-bot-token', [':aa'], '(?<![0-9])\\d{8,10}:AA[A-Za-z0-9_-]{32,33}(?![A-Za-z0-9_-])', 'telegram-bot-api-token'),
  token('npm-token', ['npm_'], `${TB}npm_[A-Za-z0-9]{36}`, 'npm-access-token'),
  token('huggingface-token', ['hf_'], `${TB}hf_[A-Za-z0-9]{30,}`, 'huggingface-access-token'),
  token('sendgrid-key', ['sg.'], `${TB}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}`, 'sendgrid-api-token'),
  token('jwt', ['eyj'], `${TB}eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`, 'jwt'),
];
