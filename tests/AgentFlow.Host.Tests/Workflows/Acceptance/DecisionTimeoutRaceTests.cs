using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 6: an approval is decided at the very instant its timeout falls due. Whichever wins, the approval node
/// completes exactly once through one outcome path, both of its waits are gone, and the losing stimulus changes nothing.
/// The race is run several times with the timer queued before, after and together with the decision.
/// </summary>
public abstract class DecisionTimeoutRaceTests(DatabaseProvider provider)
{
    private enum Order
    {
        DecisionFirst,
        TimerFirst,
        Together,
    }

    [Fact]
    public async Task DecideAsync_AtTimeoutInstant_ExactlyOneOutcomePathLoserNoOp()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(TestWorkflows.Approval);
        var poller = node.Services.GetRequiredService<TimerPoller>();
        var runs = new List<(Guid InstanceId, Order Order)>();

        foreach (var order in new[] { Order.DecisionFirst, Order.TimerFirst, Order.Together, Order.DecisionFirst, Order.TimerFirst, Order.Together })
        {
            var started = await node.StartAsync("approval");
            cluster.Clock.Advance(TimeSpan.FromHours(1)); // exactly the timeout's due time
            Task Decide() => DecideOrLoseAsync(node, started.InstanceId);
            switch (order)
            {
                case Order.DecisionFirst:
                    await Decide();
                    await poller.PollOnceAsync(CancellationToken.None);
                    break;
                case Order.TimerFirst:
                    await poller.PollOnceAsync(CancellationToken.None);
                    await Decide();
                    break;
                default:
                    await Task.WhenAll(poller.PollOnceAsync(CancellationToken.None), Decide());
                    break;
            }

            await cluster.TickUntilAsync(async () =>
            {
                var journal = await cluster.JournalAsync(started.InstanceId);
                var instance = await cluster.InstanceAsync(started.InstanceId);
                var timerQueued = (await cluster.WorkItemsAsync(started.InstanceId)).Any(w => w.Kind == "timer" && w.DeadLetteredAt is null);
                return journal.At("approve", "completed").Count > 0 && instance.Status != InstanceStatus.Running && !timerQueued;
            }, () => $"the race on instance {started.InstanceId} ({order}) to settle");
            runs.Add((started.InstanceId, order));
        }

        // A losing decision may be retained while its time to live runs; let it expire, then nothing may be queued.
        cluster.Clock.Advance(TimeSpan.FromMinutes(10));
        foreach (var (instanceId, _) in runs)
        {
            await cluster.TickUntilAsync(async () => (await cluster.WorkItemsAsync(instanceId)).All(w => w.DeadLetteredAt is not null));
        }

        var winners = new List<string>();
        foreach (var (instanceId, order) in runs)
        {
            var journal = await cluster.JournalAsync(instanceId);
            var instance = await cluster.InstanceAsync(instanceId);
            var bookmarks = await cluster.BookmarksAsync(instanceId);
            var completed = Assert.Single(journal.At("approve", "completed"));
            Assert.Single(journal.At("approve", "resumed"));
            Assert.DoesNotContain(bookmarks, b => b.NodeId == "approve");
            var outcome = Assert.Single(completed.Outcomes());
            winners.Add($"{order}: {outcome}");
            if (outcome == "TimedOut")
            {
                Assert.Single(journal.At("escalate", "completed"));
                Assert.Single(journal.At("approve2", "suspended"));
                Assert.Equal(InstanceStatus.Suspended, instance.Status);
                Assert.Equal("approve2", Assert.Single(bookmarks).NodeId);
                Assert.Equal("director", instance.Var("assignee")!.GetValue<string>());
                Assert.Null(instance.Var("decision"));
            }
            else
            {
                Assert.Equal("Approved", outcome);
                Assert.Empty(journal.At("escalate", "completed"));
                Assert.Equal(InstanceStatus.Finished, instance.Status);
                Assert.Empty(bookmarks);
                Assert.Equal("Approved", instance.Output("decision")!.GetValue<string>());
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, winners));
    }

    private static async Task DecideOrLoseAsync(WorkflowNodeHost node, Guid instanceId)
    {
        try
        {
            await node.DecideAsync(instanceId, "approve", "approved", idempotencyKey: $"decision-{instanceId:N}");
        }
        catch (NoMatchingBookmarkException)
        {
            // The timeout committed first: the decision lost and was rejected.
        }
    }
}

public sealed class SqliteDecisionTimeoutRaceTests() : DecisionTimeoutRaceTests(DatabaseProvider.Sqlite);

public sealed class PostgresDecisionTimeoutRaceTests() : DecisionTimeoutRaceTests(DatabaseProvider.Postgres);
