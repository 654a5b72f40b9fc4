using System.Collections.Concurrent;

namespace AgentFlow.Engine.Permissions;

/// <summary>
/// Per-agent tool-call counters for the rate limits and <c>maxConcurrentTasks</c>: sliding windows over a minute,
/// an hour and a day (plus external actions per hour) and the number of calls in flight. In memory and per process:
/// the runtime hook (issue 4 item 7) feeds it through <see cref="PermissionEngine.Admit"/> and
/// <see cref="Complete"/>; <c>POST /api/engine/permissions/check</c> only reads it.
/// </summary>
/// <remarks>
/// Each window is the usual two-bucket approximation (the previous fixed window weighted by how much of it still
/// overlaps, plus the current one): constant memory per agent whatever the limit, which a log of timestamps for
/// 50,000 calls a day would not be, and an error bounded by one bucket's unevenness.
/// </remarks>
public sealed class ToolCallCounters(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, AgentCounters> _agents = new();

    internal long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The agent's counters, or null when it has made no call yet (nothing is allocated for a read).</summary>
    internal AgentCounters? Find(Guid agentId) => _agents.GetValueOrDefault(agentId);

    internal AgentCounters GetOrAdd(Guid agentId) => _agents.GetOrAdd(agentId, static _ => new AgentCounters());

    /// <summary>A call admitted by <see cref="PermissionEngine.Admit"/> has finished: it no longer counts as running.</summary>
    public void Complete(Guid agentId)
    {
        if (_agents.TryGetValue(agentId, out var counters))
        {
            counters.End();
        }
    }

    /// <summary>Calls in flight (for tests and the usage view).</summary>
    public int Running(Guid agentId) => Find(agentId)?.InFlight ?? 0;

    /// <summary>Drops an agent's counters (agent deleted).</summary>
    public void Forget(Guid agentId) => _agents.TryRemove(agentId, out _);

    internal sealed class AgentCounters
    {
        private const long Minute = 60_000;
        private const long Hour = 60 * Minute;
        private const long Day = 24 * Hour;

        private readonly Lock _gate = new();
        private Window _minute = new(Minute);
        private Window _hour = new(Hour);
        private Window _day = new(Day);
        private Window _external = new(Hour);
        private int _inFlight;

        public int InFlight => Volatile.Read(ref _inFlight);

        /// <summary>The first limit a new call would break, or null.</summary>
        public PermissionDecision? Exceeded(CompiledPermissionProfile profile, bool external, long nowMs)
        {
            lock (_gate)
            {
                return ExceededLocked(profile, external, nowMs);
            }
        }

        /// <summary>Checks and, when no limit is broken, counts the call and marks it running, atomically.</summary>
        public PermissionDecision? TryBegin(CompiledPermissionProfile profile, bool external, long nowMs)
        {
            lock (_gate)
            {
                if (ExceededLocked(profile, external, nowMs) is { } denial)
                {
                    return denial;
                }

                _minute.Add(nowMs);
                _hour.Add(nowMs);
                _day.Add(nowMs);
                if (external)
                {
                    _external.Add(nowMs);
                }

                _inFlight++;
                return null;
            }
        }

        public void End()
        {
            lock (_gate)
            {
                if (_inFlight > 0)
                {
                    _inFlight--;
                }
            }
        }

        private PermissionDecision? ExceededLocked(CompiledPermissionProfile profile, bool external, long nowMs)
        {
            var limits = profile.Profile.RateLimits;
            if (_minute.Count(nowMs) >= limits.ToolCallsPerMinute)
            {
                return profile.PerMinute;
            }

            if (_hour.Count(nowMs) >= limits.ToolCallsPerHour)
            {
                return profile.PerHour;
            }

            if (_day.Count(nowMs) >= limits.ToolCallsPerDay)
            {
                return profile.PerDay;
            }

            if (external && _external.Count(nowMs) >= limits.ExternalActionsPerHour)
            {
                return profile.ExternalPerHour;
            }

            return _inFlight >= profile.Profile.Constraints.MaxConcurrentTasks ? profile.Concurrency : null;
        }
    }

    private struct Window(long length)
    {
        private long _start;
        private int _current;
        private int _previous;

        public double Count(long now)
        {
            Roll(now);
            var overlap = 1.0 - ((double)(now - _start) / length);
            return (_previous * overlap) + _current;
        }

        public void Add(long now)
        {
            Roll(now);
            _current++;
        }

        private void Roll(long now)
        {
            var start = now - (now % length);
            if (start == _start)
            {
                return;
            }

            _previous = start - _start == length ? _current : 0;
            _current = 0;
            _start = start;
        }
    }
}
