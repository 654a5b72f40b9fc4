using System.Globalization;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 11: a cron trigger fires one instance per tick even with two nodes polling (PostgreSQL), and after the
/// hosts were down for several minutes it fires exactly one catch-up instance, then continues on schedule.
/// </summary>
public abstract class CronTriggerTests(DatabaseProvider provider)
{
    private const string EveryMinute = """
    {
      "schema": "wf/1", "definitionId": "every-minute", "name": "Every minute",
      "triggers": [{"node": "start", "kind": "cron", "config": {"expression": "* * * * *"}}],
      "nodes": [{"id": "start", "type": "core.start"}, {"id": "end", "type": "core.end"}],
      "edges": [{"from": "start", "to": "end"}]
    }
    """;

    /// <summary>SQLite supports one host; PostgreSQL runs two, so both pollers race for every fire.</summary>
    private string[] NodeNames => provider == DatabaseProvider.Postgres ? ["node-a", "node-b"] : ["node-a"];

    [Fact]
    public async Task CronEveryMinute_TicksAndDowntime_OneInstancePerTickAndOneCatchUp()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var nodes = new List<WorkflowNodeHost>();
        foreach (var name in NodeNames)
        {
            nodes.Add(await cluster.StartNodeAsync(name));
        }

        var t0 = cluster.Clock.GetUtcNow(); // 09:00:00: the first fire is 09:01
        await nodes[0].PublishAsync(EveryMinute);

        for (var tick = 1; tick <= 2; tick++)
        {
            cluster.Clock.Advance(TimeSpan.FromMinutes(1));
            await WaitForFiresAsync(cluster, instances: tick, nextFire: t0.AddMinutes(tick + 1));
        }

        // Down from 09:02 to 09:07: the fires of 09:03 to 09:07 are missed.
        foreach (var node in nodes)
        {
            await cluster.StopAsync(node);
        }

        cluster.Clock.Advance(TimeSpan.FromMinutes(5));
        nodes.Clear();
        foreach (var name in NodeNames)
        {
            nodes.Add(await cluster.StartNodeAsync(name));
        }

        await WaitForFiresAsync(cluster, instances: 3, nextFire: t0.AddMinutes(8));
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        await WaitForFiresAsync(cluster, instances: 4, nextFire: t0.AddMinutes(9));

        var fires = await FireTimesAsync(cluster);
        Assert.Equal(4, fires.Count);
        Assert.Equal([t0.AddMinutes(1), t0.AddMinutes(2)], fires.Take(2).Select(f => f.FiredAt));
        // One catch-up for the five missed ticks: which missed occurrence it is named after is the runtime's choice.
        Assert.InRange(fires[2].FiredAt, t0.AddMinutes(3), t0.AddMinutes(7));
        Assert.Equal(t0.AddMinutes(8), fires[3].FiredAt);
        Assert.All(fires, f => Assert.Equal(InstanceStatus.Finished, f.Status));
    }

    /// <summary>
    /// Waits until <paramref name="instances"/> instances exist, the schedule moved on to <paramref name="nextFire"/> and no
    /// fire is queued: from then on nothing can start another instance until the clock moves, so counts are final.
    /// </summary>
    private static async Task WaitForFiresAsync(WorkflowCluster cluster, int instances, DateTimeOffset nextFire)
    {
        var seen = "";
        await WorkflowClusterExtensions.WaitUntilAsync(
            async () =>
            {
                await using var db = cluster.CreateDbContext();
                var count = await db.Instances.CountAsync(i => i.DefinitionId == "every-minute");
                var schedule = await db.Schedules.AsNoTracking().SingleAsync();
                var queued = await db.WorkItems.CountAsync(w => w.Kind == "schedule");
                seen = $"{count} instances, next fire {schedule.NextFireAt:O}, {queued} queued fires";
                return count >= instances && schedule.NextFireAt == nextFire && queued == 0;
            },
            describe: () => $"{instances} instances and next fire {nextFire:O} (seen: {seen})");
        await using var check = cluster.CreateDbContext();
        Assert.Equal(instances, await check.Instances.CountAsync(i => i.DefinitionId == "every-minute"));
    }

    /// <summary>The fire time of each instance, read from its start key ("schedule:{scheduleId}:{fire time in UTC ticks}").</summary>
    private static async Task<IReadOnlyList<(DateTimeOffset FiredAt, InstanceStatus Status)>> FireTimesAsync(WorkflowCluster cluster)
    {
        await using var db = cluster.CreateDbContext();
        var rows = await db.Instances.AsNoTracking().Where(i => i.DefinitionId == "every-minute")
            .Select(i => new { i.StartIdempotencyKey, i.Status }).ToListAsync();
        return [.. rows
            .Select(r =>
            {
                var key = r.StartIdempotencyKey ?? "";
                Assert.StartsWith("schedule:", key, StringComparison.Ordinal);
                var ticks = long.Parse(key[(key.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                return (new DateTimeOffset(ticks, TimeSpan.Zero), r.Status);
            })
            .OrderBy(f => f.Item1)];
    }
}

public sealed class SqliteCronTriggerTests() : CronTriggerTests(DatabaseProvider.Sqlite);

public sealed class PostgresCronTriggerTests() : CronTriggerTests(DatabaseProvider.Postgres);
