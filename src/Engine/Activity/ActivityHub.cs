using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Activity;

/// <summary>
/// What was written recently, per organisation: a ring buffer of the last events (dashboard reads, SSE replay)
/// and the live subscribers. Only <see cref="ActivityWriter"/> publishes, once per committed batch and in id
/// order, so a subscriber sees ids strictly increasing.
/// </summary>
/// <remarks>
/// A ring knows the range it covers: every event of its organisation with an id above <c>FloorId</c> that this
/// process wrote. It starts at the id before its first event (older events may be in the database from an
/// earlier run) and moves up as events are evicted. A replay from an older id goes to the database instead.
/// Assumes one writing process per database; with several, rings would miss the other processes' events.
/// </remarks>
public sealed class ActivityHub(IOptions<ActivityOptions> options, TimeProvider time)
{
    private readonly Dictionary<Guid, OrgState> _orgs = [];
    private readonly Lock _orgsLock = new();

    /// <summary>Adds a committed batch (sorted by id) to the rings and hands each event to matching subscribers.</summary>
    internal void Publish(IReadOnlyList<ActivityEvent> events)
    {
        foreach (var group in events.GroupBy(e => e.OrgId))
        {
            var state = State(group.Key);
            lock (state.Lock)
            {
                foreach (var e in group)
                {
                    state.Append(e);
                    foreach (var subscriber in state.Subscribers)
                    {
                        subscriber.Offer(e);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Subscribes to the organisation's new events (optionally one agent's), and in the same step takes the
    /// buffered events after <paramref name="afterId"/> if the ring still covers them. <c>Replay</c> is
    /// <see langword="null"/> when it does not (read the database, then skip live events already seen).
    /// </summary>
    public (ActivitySubscription Subscription, IReadOnlyList<ActivityEvent>? Replay) Subscribe(Guid orgId, Guid? agentId, long? afterId)
    {
        var state = State(orgId);
        var subscription = new ActivitySubscription(state, agentId, options.Value.SubscriberQueueCapacity);
        lock (state.Lock)
        {
            state.Subscribers.Add(subscription);
            IReadOnlyList<ActivityEvent>? replay = afterId is { } after
                ? state.Covers(after) ? state.After(after, agentId) : null
                : [];
            return (subscription, replay);
        }
    }

    /// <summary>The buffered events since <paramref name="since"/>, or <see langword="null"/> if the ring may not hold them all.</summary>
    public IReadOnlyList<ActivityEvent>? RecentSince(Guid orgId, DateTimeOffset since)
    {
        var state = State(orgId);
        lock (state.Lock)
        {
            return state.CoversSince <= since ? state.Since(since) : null;
        }
    }

    /// <summary>The newest buffered events of the organisation, newest first (what a dashboard shows first).</summary>
    public IReadOnlyList<ActivityEvent> Recent(Guid orgId, int count)
    {
        var state = State(orgId);
        lock (state.Lock)
        {
            return state.Newest(count);
        }
    }

    private OrgState State(Guid orgId)
    {
        lock (_orgsLock)
        {
            if (!_orgs.TryGetValue(orgId, out var state))
            {
                _orgs[orgId] = state = new OrgState(options.Value.RecentEventsPerOrganization, time.GetUtcNow());
            }

            return state;
        }
    }

    internal sealed class OrgState(int capacity, DateTimeOffset createdAt)
    {
        private readonly ActivityEvent[] _ring = new ActivityEvent[capacity];
        private int _start;
        private int _count;

        public Lock Lock { get; } = new();

        public List<ActivitySubscription> Subscribers { get; } = [];

        /// <summary>Every event of the organisation with a larger id is in the ring; null until the first event.</summary>
        public long? FloorId { get; private set; }

        /// <summary>Every event of the organisation from this time on is in the ring.</summary>
        public DateTimeOffset CoversSince { get; private set; } = createdAt;

        public void Append(ActivityEvent e)
        {
            FloorId ??= e.Id - 1;
            if (_count == _ring.Length)
            {
                var evicted = _ring[_start];
                FloorId = evicted.Id;
                // Timestamps are taken when recorded, ids when written: a little out of step, so never move back.
                var after = evicted.Timestamp.AddTicks(1);
                CoversSince = after > CoversSince ? after : CoversSince;
                _ring[_start] = e;
                _start = (_start + 1) % _ring.Length;
            }
            else
            {
                _ring[(_start + _count) % _ring.Length] = e;
                _count++;
            }
        }

        // No event yet: the ring covers whatever comes next, but nothing older (which may be in the database).
        public bool Covers(long afterId) => FloorId is { } floor && afterId >= floor;

        public List<ActivityEvent> After(long afterId, Guid? agentId)
        {
            var list = new List<ActivityEvent>();
            for (var i = 0; i < _count; i++)
            {
                var e = _ring[(_start + i) % _ring.Length];
                if (e.Id > afterId && (agentId is null || e.AgentId == agentId))
                {
                    list.Add(e);
                }
            }

            return list;
        }

        public List<ActivityEvent> Since(DateTimeOffset since)
        {
            var list = new List<ActivityEvent>();
            for (var i = 0; i < _count; i++)
            {
                var e = _ring[(_start + i) % _ring.Length];
                if (e.Timestamp >= since)
                {
                    list.Add(e);
                }
            }

            return list;
        }

        public List<ActivityEvent> Newest(int count)
        {
            var list = new List<ActivityEvent>(Math.Min(count, _count));
            for (var i = _count - 1; i >= 0 && list.Count < count; i--)
            {
                list.Add(_ring[(_start + i) % _ring.Length]);
            }

            return list;
        }
    }
}

/// <summary>
/// One live listener. Its queue is bounded: a client that falls behind is cut off (<see cref="Overflowed"/>)
/// rather than slowing the writer or growing memory; it reconnects with Last-Event-ID and replays from the database.
/// </summary>
public sealed class ActivitySubscription : IDisposable
{
    private readonly ActivityHub.OrgState _state;
    private readonly Guid? _agentId;
    private readonly Channel<ActivityEvent> _events;

    internal ActivitySubscription(ActivityHub.OrgState state, Guid? agentId, int capacity)
    {
        _state = state;
        _agentId = agentId;
        _events = Channel.CreateBounded<ActivityEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
    }

    public ChannelReader<ActivityEvent> Events => _events.Reader;

    public bool Overflowed { get; private set; }

    internal void Offer(ActivityEvent e)
    {
        if ((_agentId is null || e.AgentId == _agentId) && !_events.Writer.TryWrite(e) && !Overflowed)
        {
            Overflowed = true;
            _events.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        lock (_state.Lock)
        {
            _state.Subscribers.Remove(this);
        }

        _events.Writer.TryComplete();
    }
}
