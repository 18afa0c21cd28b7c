/**
 * Secret masking: every kind the design names, in the places secrets really show up (prompts,
 * shell commands, tool arguments, tool output), plus text that must come through untouched,
 * and adversarial megabyte inputs that would hang a backtracking pattern.
 */
import { describe, expect, it } from 'vitest';
import { redactText, redactValue } from '../../electron/log/redact';

const masked = (s: string): string => {
  const r = redactText(s);
  expect(r.redacted).toBe(true);
  return r.text;
};

describe('secret kinds', () => {
  it.each([
    ['bearer in a curl command', 'curl -H "Authorization: Bearer abcdef1234567890xyz" https://api.example.com', 'curl -H "Authorization: Bearer [REDACTED]" https://api.example.com'],
    ['basic auth header', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic [REDACTED]'],
    ['authorization key=value', 'authorization=abc123token', 'authorization=[REDACTED]'],
    ['OpenAI project key in an export', 'export OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789', 'export OPENAI_API_KEY=[REDACTED:openai-key]'],
    ['OpenAI key in prose', 'use sk-abcdefghijklmnopqrstuvwx1234 for this', 'use [REDACTED:openai-key] for this'],
    ['short key after a key name', 'OPENAI_API_KEY=sk-test', 'OPENAI_API_KEY=[REDACTED]'],
    ['quoted JSON api_key', '{"api_key": "xyz123", "name": "ok"}', '{"api_key": "[REDACTED]", "name": "ok"}'],
    ['escaped JSON inside a string', '{\\"apiKey\\":\\"xyz123\\"}', '{\\"apiKey\\":\\"[REDACTED]\\"}'],
    ['AWS secret access key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED]'],
    ['AWS access key id', 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id]'],
    ['AWS session key id in prose', 'temporary id ASIAIOSFODNN7EXAMPLE expired', 'temporary id [REDACTED:aws-access-key-id] expired'],
    ['GitHub classic token', 'git push https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b', 'git push https://[REDACTED:github-token]@github.com/a/b'],
    ['GitHub OAuth / server tokens', 'gho_abcdefghijklmnopqrstuvwxyz0123456789 ghs_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:github-token] [REDACTED:github-token]'],
    ['GitHub fine-grained PAT', 'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'GH=[REDACTED:github-token]'],
    ['Slack bot token', 'SLACK xoxb-123456789012-1234567890123-abcdefghijklmnop', 'SLACK [REDACTED:slack-token]'],
    ['Slack webhook', 'post to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX now', 'post to [REDACTED:slack-webhook] now'],
    ['JWT', 'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok', 'jwt [REDACTED:jwt] ok'],
    ['PEM private key', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter', 'key:\n[REDACTED:private-key]\nafter'],
    ['PEM private key cut short by a preview', 'cat id\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', 'cat id\n[REDACTED:private-key]'],
    ['password with spaces in quotes', 'password: "my secret pass" next', 'password: "[REDACTED]" next'],
    ['single-quoted password', "db.password='p@ss w0rd'", "db.password='[REDACTED]'"],
    ['password flag', 'mysql -u root --password hunter22 db', 'mysql -u root --password [REDACTED] db'],
    ['password in a URL', 'git clone https://user:s3cretpw@example.com/x/y', 'git clone https://user:[REDACTED]@example.com/x/y'],
    ['env-style secrets', 'DB_PASSWORD=hunter2 client_secret=abcd1234 GITHUB_TOKEN=abc123def', 'DB_PASSWORD=[REDACTED] client_secret=[REDACTED] GITHUB_TOKEN=[REDACTED]'],
    ['private_key yaml', 'private_key: MIIBVwIBADANBg', 'private_key: [REDACTED]'],
  ])('%s', (_name, input, expected) => {
    expect(masked(input)).toBe(expected);
  });
});

describe('where secrets appear', () => {
  it('in a prompt', () => {
    expect(masked('deploy with token=codex-secret please')).toBe('deploy with token=[REDACTED] please');
  });

  it('in tool-call arguments (JSON text)', () => {
    const args = JSON.stringify({ cmd: 'curl -H "Authorization: Bearer abcdef1234567890xyz" https://x', workdir: '/repo' });
    const text = masked(args);
    expect(text).not.toContain('abcdef1234567890xyz');
    expect(JSON.parse(text).workdir).toBe('/repo');
  });

  it('in tool output', () => {
    const output = 'Process exited with code 0\nOutput:\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n';
    const text = masked(output);
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('Process exited with code 0');
  });

  it('in parsed arguments: values under secret-named keys are masked whole', () => {
    const input = { password: 'hunter2', nested: [{ api_key: 'short' }], note: 'Bearer abcdef1234567890xyz', count: 3, input_tokens: '12' };
    let hits = 0;
    const out = redactValue(input, () => hits++);
    expect(out).toEqual({ password: '[REDACTED]', nested: [{ api_key: '[REDACTED]' }], note: 'Bearer [REDACTED]', count: 3, input_tokens: '12' });
    expect(hits).toBe(3);
    expect(input.password).toBe('hunter2'); // input untouched
  });
});

describe('ordinary text is left alone', () => {
  it.each([
    'Run npm test and fix the failing token parser',
    'The password policy requires 12 characters',
    'input_tokens=1002 max_token=5 token_count: 5',
    'Bearer authentication is described in RFC 6750',
    'see https://example.com/docs and the api key rotation docs',
    'the tokenizer: bert',
    'auth.env_provider_key_name',
    'echo hello-from-tool > out.txt; cat out.txt',
    '01a20c0d-3016-7772-bb1a-55a121c2066e',
    '[REDACTED]',
    'function getToken() { return this.token; }',
    'secret: true',
    '',
  ])('%j', (s) => {
    expect(redactText(s)).toEqual({ text: s, redacted: false });
  });
});

describe('adversarial input', () => {
  // Each would take minutes with a backtracking pattern; completing inside the test timeout is the check.
  const M = 1 << 20;
  it.each([
    ['no candidate', 'a'.repeat(M)],
    ['repeated PEM begins with no end', '-----BEGIN PRIVATE KEY-----'.repeat(M / 27)],
    ['JWT prefixes without dots', 'eyJ'.repeat(M / 3)],
    ['JWT-like segments', 'eyJaaaa.'.repeat(M / 8)],
    ['sk- run', 'sk-'.repeat(M / 3)],
    ['key= run', 'token='.repeat(M / 6)],
    ['unterminated quoted values', 'password="'.repeat(M / 10)],
    ['long key suffix', 'secret_' + 'a'.repeat(M)],
    ['URL user parts', ('http://' + 'u'.repeat(200) + ':').repeat(Math.floor(M / 208))],
    ['bearer run', 'bearer '.repeat(M / 7)],
    ['key then spaces', 'token' + ' '.repeat(M)],
    ['header run', 'Authorization: Bearer '.repeat(Math.floor(M / 22))],
  ])('%s (1 MB) completes', (_name, input) => {
    const r = redactText(input);
    expect(typeof r.text).toBe('string');
    expect(r.text.length).toBeGreaterThan(0);
  });
});

describe('redactText verdict memo (repeated strings)', () => {
  it('gives the same, independent answer for a string seen before', () => {
    const secret = 'Authorization: Bearer abcdef0123456789xyz';
    const first = redactText(secret);
    expect(first.redacted).toBe(true);
    expect(() => {
      (first as { text: string }).text = 'changed by a caller';
    }).toThrow(TypeError);
    const again = redactText(secret);
    expect(again).toEqual({ text: 'Authorization: Bearer [REDACTED]', redacted: true });
    expect(redactText('gpt-5-codex')).toEqual({ text: 'gpt-5-codex', redacted: false });
    expect(redactText('gpt-5-codex')).toEqual({ text: 'gpt-5-codex', redacted: false });
  });

  it('keeps masking after many distinct strings have passed through', () => {
    for (let i = 0; i < 10_000; i++) redactText(`harmless value number ${i}`);
    expect(redactText('OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz').redacted).toBe(true);
  });
});

describe('escaped text is judged decoded', () => {
  const key = ['sk-proj-', 'Zq8v2LmX9rT4kW1pQ7sN3bV6cY0dF5gH2jK8mL1nP4'].join('');
  it('a \\u escape inside tool-call JSON does not hide a key, and the JSON stays valid', () => {
    const args = JSON.stringify({ cmd: `echo ${key}`, workdir: '/repo' }).replace('sk-proj', '\\u0073k-proj');
    expect(JSON.parse(args).cmd).toBe(`echo ${key}`); // the escape decodes to the live key
    const r = redactText(args);
    expect(r.redacted).toBe(true);
    expect(r.text).not.toContain('k-proj-Zq8v');
    expect(JSON.parse(r.text)).toEqual({ cmd: 'echo [REDACTED:openai-key]', workdir: '/repo' });
  });

  it('JSON inside JSON (escaped backslashes) too', () => {
    const inner = JSON.stringify({ cmd: `echo ${key}` }).replace('sk-proj', '\\u0073k-proj');
    const outer = JSON.stringify({ arguments: inner });
    const r = redactText(outer);
    expect(r.text).not.toContain('k-proj-Zq8v');
    expect(JSON.parse(JSON.parse(r.text).arguments)).toEqual({ cmd: 'echo [REDACTED:openai-key]' });
  });

  it('percent-encoded headers and form bodies', () => {
    expect(redactText('GET /p?h=Authorization%3A%20Bearer%20abcdef0123456789xyz').text).toBe('GET /p?h=Authorization: Bearer [REDACTED]');
    expect(redactText('user%3Dbob%26password%3Dhunter22').text).toBe('user=bob&password=[REDACTED]');
  });

  it('leaves escapes alone when the decoded text holds no secret', () => {
    const s = '{"msg":"caf\\u00e9 50%25 off"}';
    expect(redactText(s)).toEqual({ text: s, redacted: false });
  });
});

describe('values under secret-named keys', () => {
  it('masks camelCase and snake_case secret names, not words that merely end like one', () => {
    const out = redactValue({ dbPassword: 'hunter22', api_key: 'abc123', clientSecret: 'xyz789', bypass: 'north', compass: 'south', primaryKey: 'id' });
    expect(out).toEqual({ dbPassword: '[REDACTED]', api_key: '[REDACTED]', clientSecret: '[REDACTED]', bypass: 'north', compass: 'south', primaryKey: 'id' });
  });
});
