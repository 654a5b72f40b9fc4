using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Lifecycle;

public abstract class AgentLifecycleServiceTests<TFixture>(TFixture engine) : IClassFixture<TFixture>
    where TFixture : EngineFixture
{
    private static readonly AgentConfigInput Complete = new(
        DisplayName: "Support Bot",
        Identity: new AgentIdentityConfig(Role: "Support"),
        Model: new AgentModelConfig(Provider: "anthropic", ModelId: "claude-sonnet-4-20250514"),
        Deployment: new AgentDeploymentConfig(Target: "docker"),
        PermissionProfileId: "Customer Support Agent");

    [Fact]
    public async Task FireAsync_AllowedTrigger_StoresStateAndHistoryRowTogether()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var actor = Guid.NewGuid().ToString();
        var id = await CreateReadyAgentAsync(orgId);

        engine.Time.Advance(TimeSpan.FromMinutes(5));

        var row = await InOrgAsync(orgId, s => s.FireAsync(id, AgentTrigger.Deploy, actor, "  first rollout  "));

        Assert.Equal((AgentStates.Ready, AgentStates.Provisioning, "deploy", actor, "first rollout"), (row.From, row.To, row.Trigger, row.Actor, row.Reason));
        Assert.Equal(engine.Time.GetUtcNow(), row.At);
        var agent = await InAgentsAsync(orgId, s => s.GetAsync(id));
        Assert.Equal((AgentStates.Provisioning, engine.Time.GetUtcNow()), (agent.State, agent.UpdatedAt));
        var history = await HistoryAsync(orgId, id);
        Assert.Equal(["deploy", "configComplete", "create"], history.Select(h => h.Trigger));
        Assert.Equal([3L, 2L, 1L], history.Select(h => h.Sequence));
        Assert.Equal([AgentStates.Provisioning, AgentStates.Ready, AgentStates.Draft], history.Select(h => h.To));
        Assert.Null(history[^1].From);
        Assert.All(history, h => Assert.Equal(orgId, h.OrgId));
    }

    [Fact]
    public async Task FireAsync_RefusedTrigger_Throws409WithAllowedAndChangesNothing()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await CreateAgentAsync(orgId);

        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => InOrgAsync(orgId, s => s.FireAsync(id, AgentTrigger.Stop, AgentActors.System, null)));

        Assert.Equal(AgentStates.Draft, error.State);
        Assert.Equal(AgentTrigger.Stop, error.Trigger);
        Assert.Equal([AgentTrigger.Configure, AgentTrigger.ConfigComplete, AgentTrigger.Destroy], error.Allowed);
        Assert.Equal(AgentStates.Draft, await StateAsync(orgId, id));
        Assert.Single(await HistoryAsync(orgId, id));
    }

    [Fact]
    public async Task FireAsync_AnotherOrganisationsAgent_ThrowsNotFoundAndChangesNothing()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var intruder = await engine.CreateOrganizationAsync();
        var id = await CreateReadyAgentAsync(orgId);

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => InOrgAsync(intruder, s => s.FireAsync(id, AgentTrigger.Deploy, AgentActors.System, null)));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => InOrgAsync(intruder, s => s.HistoryAsync(id, new PageRequest(10, 0))));

        Assert.Equal(AgentStates.Ready, await StateAsync(orgId, id));
    }

    [Fact]
    public async Task FireAsync_ReasonTooLong_ThrowsValidationOnReason()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await CreateReadyAgentAsync(orgId);

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            InOrgAsync(orgId, s => s.FireAsync(id, AgentTrigger.Deploy, AgentActors.System, new string('x', AgentLifecycleService.ReasonLength + 1))));

        Assert.Equal(["reason"], error.Errors.Keys);
        Assert.Equal(AgentStates.Ready, await StateAsync(orgId, id));
    }

    [Fact]
    public async Task ApplyAsync_StateChangedSinceTheDecision_ThrowsAgainstTheNewStateAndWritesNothing()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);
        // Decided while running...
        var stale = new AgentStateMachine(AgentStates.Running).Fire(AgentTrigger.Stop);
        // ...but another request moved the agent first.
        await InOrgAsync(orgId, s => s.FireAsync(id, AgentTrigger.HotUpdate, AgentActors.System, null));
        var before = (await HistoryAsync(orgId, id)).Count;

        await using var scope = engine.CreateScope(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<AgentLifecycleService>();
        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => lifecycle.ApplyAsync(id, stale, AgentActors.System, null, CancellationToken.None));

        Assert.Equal(AgentStates.Updating, error.State);
        Assert.Equal(AgentTrigger.Stop, error.Trigger);
        Assert.Equal([AgentTrigger.Fail, AgentTrigger.Stop, AgentTrigger.UpdateComplete, AgentTrigger.Destroy], error.Allowed);
        Assert.Empty(db.ChangeTracker.Entries<AgentStateHistory>());
        Assert.Equal(AgentStates.Updating, await StateAsync(orgId, id));
        Assert.Equal(before, (await HistoryAsync(orgId, id)).Count);
    }

    [Fact]
    public async Task FireAsync_ConcurrentConflictingTriggers_ExactlyOneIsStoredAndTheOthersAreRefusedAgainstItsState()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);
        var before = (await HistoryAsync(orgId, id)).Count;
        // Two operators at once: restarts and hot updates. Neither is allowed from the state the other leads to
        // (starting, updating), so however the requests interleave exactly one may be stored.
        AgentTrigger[] triggers = [AgentTrigger.Restart, AgentTrigger.HotUpdate, AgentTrigger.Restart, AgentTrigger.HotUpdate, AgentTrigger.Restart, AgentTrigger.HotUpdate];

        var outcomes = await Task.WhenAll(triggers.Select(trigger => Task.Run(async () =>
        {
            try
            {
                return (Row: await InOrgAsync(orgId, s => s.FireAsync(id, trigger, AgentActors.System, null)), Error: (InvalidTransitionException?)null);
            }
            catch (InvalidTransitionException exception)
            {
                return (Row: (AgentStateHistory?)null, Error: exception);
            }
        })));

        var winner = Assert.Single(outcomes, o => o.Row is not null).Row!;
        Assert.Equal(AgentStates.Running, winner.From);
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.Equal(winner.To, o.Error!.State));
        Assert.Equal(winner.To, await StateAsync(orgId, id));
        var history = await HistoryAsync(orgId, id);
        Assert.Equal(before + 1, history.Count);
        Assert.Equal(winner.Id, history[0].Id);
    }

    [Fact]
    public async Task HistoryAsync_ManyTransitions_PagesNewestFirstWithTotal()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        var page = await InOrgAsync(orgId, s => s.HistoryAsync(id, new PageRequest(2, 1)));

        Assert.Equal(6, page.Total);
        Assert.Equal(["deployed", "provisioned"], page.Items.Select(h => h.Trigger));
        Assert.Equal([5L, 4L], page.Items.Select(h => h.Sequence));
    }

    [Fact]
    public async Task UpdateConfigAsync_DraftIncompleteThenComplete_MovesToConfiguringThenReadyWithHistory()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var user = Guid.NewGuid();
        var id = await CreateAgentAsync(orgId);

        var (partial, first) = await InAgentsAsync(orgId, s => s.UpdateConfigAsync(id, new AgentConfigInput(DisplayName: "Half"), user));
        var (complete, second) = await InAgentsAsync(orgId, s => s.UpdateConfigAsync(id, Complete, user));

        Assert.Equal(AgentStates.Configuring, partial.State);
        Assert.Equal((AgentStates.Draft, AgentStates.Configuring, "configure", user.ToString()), (first.From, first.To, first.Trigger, first.Actor));
        Assert.Equal(AgentStates.Ready, complete.State);
        Assert.Equal((AgentStates.Configuring, AgentStates.Ready, "configComplete"), (second.From, second.To, second.Trigger));
        Assert.Equal("configuration version 3", second.Reason);
        Assert.Equal(AgentStates.Ready, await StateAsync(orgId, id));
    }

    [Theory]
    [InlineData(AgentTrigger.Stop, AgentStates.Stopped)]
    [InlineData(AgentTrigger.Fail, AgentStates.Error)]
    public async Task UpdateConfigAsync_StoppedOrError_ReturnsToReady(AgentTrigger trigger, string state)
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);
        await InOrgAsync(orgId, s => s.FireAsync(id, trigger, AgentActors.System, null));
        Assert.Equal(state, await StateAsync(orgId, id));

        var (agent, transition) = await InAgentsAsync(orgId, s => s.UpdateConfigAsync(id, new AgentConfigInput(DisplayName: "Renamed"), null));

        Assert.Equal(AgentStates.Ready, agent.State);
        Assert.Equal((state, AgentStates.Ready, AgentActors.System), (transition.From, transition.To, transition.Actor));
    }

    [Fact]
    public async Task UpdateConfigAsync_Running_IsRefusedAndChangesNothing()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => InAgentsAsync(orgId, s => s.UpdateConfigAsync(id, new AgentConfigInput(DisplayName: "Sneaky"), null)));

        Assert.Equal(AgentStates.Running, error.State);
        Assert.Equal(AgentTrigger.ConfigComplete, error.Trigger);
        Assert.Contains(AgentTrigger.HotUpdate, error.Allowed);
        var agent = await InAgentsAsync(orgId, s => s.GetAsync(id));
        Assert.Equal(("Support Bot", 2), (agent.DisplayName, agent.ConfigVersion));
    }

    [Fact]
    public async Task HotUpdateAsync_Running_AppliesChangesBumpsVersionAndMovesToUpdating()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        var (agent, transition) = await InAgentsAsync(orgId, s => s.HotUpdateAsync(id, new AgentConfigInput(Model: new AgentModelConfig(Temperature: 0.1)), null, "cooler"));

        Assert.Equal(AgentStates.Updating, agent.State);
        Assert.Equal(3, agent.ConfigVersion);
        Assert.Equal(0.1, AgentConfigView.Of(agent).Model.Temperature);
        Assert.Equal(("hotUpdate", "cooler"), (transition.Trigger, transition.Reason));
    }

    [Fact]
    public async Task HotUpdateAsync_NewDeploymentTarget_IsRefusedAndChangesNothing()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            InAgentsAsync(orgId, s => s.HotUpdateAsync(id, new AgentConfigInput(Deployment: new AgentDeploymentConfig("local")), null, null)));

        Assert.Equal(["updates.deployment.target"], error.Errors.Keys);
        var agent = await InAgentsAsync(orgId, s => s.GetAsync(id));
        Assert.Equal((AgentStates.Running, "docker"), (agent.State, AgentConfigView.Of(agent).Deployment.Target));
    }

    [Fact]
    public async Task DeleteAsync_DeployedAgent_IsRefusedAsAgentDeployed()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() => InAgentsAsync(orgId, async s => { await s.DeleteAsync(id); return true; }));

        Assert.Equal(AgentService.AgentDeployedCode, error.Code);
        Assert.Equal(AgentStates.Running, await StateAsync(orgId, id));
    }

    [Fact]
    public async Task DeleteDestroyedAsync_OnlyDeletesADestroyingAgentWithItsHistory()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var id = await RunningAgentAsync(orgId);

        await Assert.ThrowsAsync<InvalidTransitionException>(() => InAgentsAsync(orgId, async s => { await s.DeleteDestroyedAsync(id); return true; }));
        await InOrgAsync(orgId, s => s.FireAsync(id, AgentTrigger.Destroy, AgentActors.System, null));
        await InAgentsAsync(orgId, async s => { await s.DeleteDestroyedAsync(id); return true; });

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => InAgentsAsync(orgId, s => s.GetAsync(id)));
        await using var scope = engine.CreateScope(orgId);
        Assert.False(await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().AgentStateHistory.AnyAsync(h => h.AgentId == id));
    }

    private async Task<Guid> CreateAgentAsync(Guid orgId) =>
        (await InAgentsAsync(orgId, s => s.CreateEngineAsync(new AgentConfigInput(Name: "agent-" + Guid.NewGuid().ToString("N")[..8]), Guid.NewGuid()))).Id;

    private async Task<Guid> CreateReadyAgentAsync(Guid orgId)
    {
        var id = await CreateAgentAsync(orgId);
        await InAgentsAsync(orgId, s => s.UpdateConfigAsync(id, Complete, null));
        return id;
    }

    /// <summary>create, configComplete, deploy, provisioned, deployed, healthy: six history rows.</summary>
    private async Task<Guid> RunningAgentAsync(Guid orgId)
    {
        var id = await CreateReadyAgentAsync(orgId);
        foreach (var trigger in new[] { AgentTrigger.Deploy, AgentTrigger.Provisioned, AgentTrigger.Deployed, AgentTrigger.Healthy })
        {
            await InOrgAsync(orgId, s => s.FireAsync(id, trigger, AgentActors.System, null));
        }

        return id;
    }

    private async Task<string> StateAsync(Guid orgId, Guid id) => (await InAgentsAsync(orgId, s => s.GetAsync(id))).State;

    private async Task<IReadOnlyList<AgentStateHistory>> HistoryAsync(Guid orgId, Guid id) =>
        (await InOrgAsync(orgId, s => s.HistoryAsync(id, new PageRequest(100, 0)))).Items;

    private async Task<T> InOrgAsync<T>(Guid orgId, Func<AgentLifecycleService, Task<T>> action)
    {
        await using var scope = engine.CreateScope(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<AgentLifecycleService>());
    }

    private async Task<T> InAgentsAsync<T>(Guid orgId, Func<AgentService, Task<T>> action)
    {
        await using var scope = engine.CreateScope(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<AgentService>());
    }
}

public sealed class SqliteAgentLifecycleServiceTests(SqliteEngineFixture engine) : AgentLifecycleServiceTests<SqliteEngineFixture>(engine);

public sealed class PostgresAgentLifecycleServiceTests(PostgresEngineFixture engine) : AgentLifecycleServiceTests<PostgresEngineFixture>(engine);
