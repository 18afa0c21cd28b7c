import { useEffect, useState } from 'react';
import { useTrends } from '../stores/trends';
import { EmptyState } from '../components/EmptyState';
import { DailyBars } from '../components/charts/DailyBars';
import { BarList } from '../components/charts/BarList';
import { CostValue } from '../components/CostValue';
import { costView, formatUsd, formatUsdCompact, unknownPriceText } from '../lib/cost';
import { formatCompact, formatDateTime, formatNumber } from '../lib/format';
import { hrefFor } from '../lib/route';
import { commandColumns, costColumns, failureRate, modelSeries, RUN_SERIES, tokenColumns } from '../lib/trends';

type Measure = 'cost' | 'tokens';

/** The last 30 days at a glance: what Codex cost per day and by model, how often commands failed, what ran most, which sessions cost most. */
export function TrendsPage() {
  const { data, error, load } = useTrends();
  const [measure, setMeasure] = useState<Measure>('cost');
  useEffect(() => {
    void load();
  }, [load]);
  if (error && !data) return <EmptyState title="Could not load trends.">{error}</EmptyState>;
  if (!data) return <EmptyState title="Loading trends…" />;

  const series = modelSeries(data, measure);
  const t = data.totals;
  const cost = costView(t.cost);
  const sources = t.cost.price_sources;
  return (
    <div className="trends" data-testid="trends">
      <section className="trend-cards" aria-label={`Last ${data.days} days`}>
        <div className="trend-card" data-testid="trend-cost">
          <span className="label">Cost, last {data.days} days</span>
          <span className="big">
            <CostValue cost={t.cost} />
          </span>
          <span className="faint">{t.cost.priced_events ? `estimate · ${formatUsd(t.cost.usd / Math.max(1, data.daily.filter((d) => d.cost.priced_events).length))} per active day` : 'estimate'}</span>
        </div>
        <div className="trend-card" data-testid="trend-tokens">
          <span className="label">Tokens</span>
          <span className="big">{formatCompact(t.tokens.total)}</span>
          <span className="faint">{formatNumber(t.tokens.cached_input)} of them cached</span>
        </div>
        <div className="trend-card" data-testid="trend-sessions">
          <span className="label">Sessions</span>
          <span className="big">{formatNumber(t.sessions)}</span>
          <span className="faint">{formatNumber(t.commands)} commands</span>
        </div>
        <div className="trend-card" data-testid="trend-failures">
          <span className="label">Commands failed</span>
          <span className={`big${t.command_failures ? ' tag-bad' : ''}`}>{failureRate(t.command_failures, t.commands)}</span>
          <span className="faint">
            {formatNumber(t.command_failures)} of {formatNumber(t.commands)}
          </span>
        </div>
      </section>

      <section className="card" aria-labelledby="trend-daily-title">
        <div className="card-header">
          <h2 id="trend-daily-title">{measure === 'cost' ? 'Cost per day' : 'Tokens per day'}, by model</h2>
          <div className="segmented" role="group" aria-label="Measure">
            {(['cost', 'tokens'] as const).map((m) => (
              <button key={m} type="button" className="btn small" aria-pressed={measure === m} onClick={() => setMeasure(m)}>
                {m === 'cost' ? 'Cost' : 'Tokens'}
              </button>
            ))}
          </div>
        </div>
        <div className="card-body">
          {measure === 'cost' ? (
            <DailyBars days={costColumns(data, series)} series={series} format={formatUsd} formatAxis={formatUsdCompact} label={`Estimated cost per day over the last ${data.days} days, by model: ${cost.detail}`} testId="trend-cost-chart" />
          ) : (
            <DailyBars days={tokenColumns(data, series)} series={series} format={formatNumber} formatAxis={formatCompact} label={`Tokens per day over the last ${data.days} days, by model: ${formatNumber(t.tokens.total)} in all`} testId="trend-token-chart" />
          )}
          <p className="trend-note" data-testid="trend-price-note">
            {sources.length ? `Estimated at list prices from ${sources.join('; ')}.` : 'No costs recorded yet.'}
            {t.cost.unpriced_events ? <span className="cost" data-cost-state="unknown"> {unknownPriceText(t.cost.unpriced_models)}: {formatNumber(t.cost.unpriced_events)} {t.cost.unpriced_events === 1 ? 'response' : 'responses'} not included.</span> : null}
          </p>
        </div>
      </section>

      <div className="trend-grid">
        <section className="card" aria-labelledby="trend-fail-title">
          <div className="card-header">
            <h2 id="trend-fail-title">Commands per day</h2>
            <span className="faint">{failureRate(t.command_failures, t.commands)} failed</span>
          </div>
          <div className="card-body">
            <DailyBars days={commandColumns(data)} series={RUN_SERIES} format={formatNumber} formatAxis={formatCompact} label={`Commands per day, succeeded and failed: ${t.command_failures} of ${t.commands} failed`} testId="trend-command-chart" height={160} />
          </div>
        </section>
        <section className="card" aria-labelledby="trend-top-title">
          <div className="card-header">
            <h2 id="trend-top-title">Most-run commands</h2>
          </div>
          <div className="card-body">
            {data.top_commands.length ? (
              <BarList
                label="Most-run commands, most first"
                testId="top-commands"
                items={data.top_commands.map((c) => ({
                  key: c.command,
                  label: <code>{c.command}</code>,
                  title: `${c.command}: ${c.runs} runs, ${c.failures} failed`,
                  value: c.runs,
                  bad: c.failures,
                  valueText: (
                    <>
                      {formatNumber(c.runs)}
                      {c.failures ? <span className="tag-bad"> · {c.failures} failed</span> : null}
                    </>
                  ),
                }))}
              />
            ) : (
              <p className="faint" style={{ margin: 0 }}>
                {data.commands_withheld ? `${formatNumber(data.commands_withheld)} commands ran; their text is not kept (content policy), so they cannot be named.` : 'No commands in this period.'}
              </p>
            )}
          </div>
        </section>
      </div>

      <section className="card" aria-labelledby="trend-sessions-title">
        <div className="card-header">
          <h2 id="trend-sessions-title">Costliest sessions</h2>
        </div>
        <div className="card-body">
          {data.session_costs.length ? (
            <BarList
              label="Sessions by estimated cost, most first"
              testId="session-costs"
              color="var(--series-1)"
              items={data.session_costs.map((s) => ({
                key: s.id,
                href: hrefFor('sessions', s.id),
                title: `${s.title ?? s.repository ?? s.id}: ${costView(s.cost).detail}`,
                label: (
                  <>
                    <span className="bar-title">{s.title ?? s.repository ?? s.id.slice(0, 8)}</span>
                    <span className="faint"> · {[s.repository, s.model, formatDateTime(s.started_at)].filter(Boolean).join(' · ')}</span>
                  </>
                ),
                value: s.cost.usd,
                valueText: <CostValue cost={s.cost} />,
              }))}
            />
          ) : (
            <p className="faint" style={{ margin: 0 }}>
              No priced sessions in this period.
            </p>
          )}
        </div>
      </section>
    </div>
  );
}
