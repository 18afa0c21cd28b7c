/** "Most-run commands" count habits: the same command with other flags or a shell wrapper is one. */
import { describe, expect, it } from 'vitest';
import { commandKey } from '../../electron/log/command-key';
import { repositoryFromRemote, titleFromPrompt } from '../../electron/log/session-facts';

describe('command keys', () => {
  it.each([
    ['npm test', 'npm test'],
    ['npm test -- --watch=false src/app.test.ts', 'npm test'],
    ["bash -lc 'npm test'", 'npm test'],
    ['/bin/zsh -lc "cd web && git status --short"', 'git status'],
    ['cd /repo && CI=1 npm run build -- --prod', 'npm run build'],
    ['pytest -q tests/unit', 'pytest'],
    ['python3 -m pytest -x', 'python3 -m pytest'],
    ['/usr/bin/ls -la src', 'ls'],
    ['./gradlew test --info', './gradlew test'],
    ['rg TODO electron | head -5', 'rg'],
    ['sudo apt-get install -y jq', 'apt-get install'],
    ['', null],
  ])('%s -> %s', (cmd, key) => {
    expect(commandKey(cmd)).toBe(key);
  });
});

describe('session facts', () => {
  it('titles a session by the first line of its first prompt, capitalised and cut at a word', () => {
    expect(titleFromPrompt('fix the flaky pytest suite\n\nit fails on CI')).toBe('Fix the flaky pytest suite');
    expect(titleFromPrompt('   ')).toBeNull();
    const long = titleFromPrompt('please look at the billing reconciliation exporter and add retries with exponential backoff and jitter');
    expect(long).toBe('Please look at the billing reconciliation exporter and add retries with…');
    expect(long!.length).toBeLessThanOrEqual(72);
  });

  it('names a repository by its remote, whatever the URL form', () => {
    expect(repositoryFromRemote('https://github.com/acme/widgets.git')).toBe('acme/widgets');
    expect(repositoryFromRemote('git@github.com:acme/widgets.git')).toBe('acme/widgets');
    expect(repositoryFromRemote('ssh://git@gitlab.example.com:22/group/sub/widgets')).toBe('sub/widgets');
    expect(repositoryFromRemote('/srv/git/widgets.git')).toBe('widgets');
    expect(repositoryFromRemote('file:///srv/git/widgets.git')).toBe('widgets');
  });
});
