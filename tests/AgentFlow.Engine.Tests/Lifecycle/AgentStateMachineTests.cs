using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Lifecycle;

namespace AgentFlow.Engine.Tests.Lifecycle;

/// <summary>
/// The lifecycle, state by trigger. The expectation below is written out by hand, independently of
/// <see cref="AgentTransitionTable"/>: a change to either table fails here until the other agrees (and
/// docs/lifecycle.md, which shows the same grid, is updated with them).
/// </summary>
public sealed class AgentStateMachineTests
{
    // "-": the trigger is refused in that state. Columns are found by trigger name, rows by state name.
    private const string Expected = """
        state       | configure   | configComplete | deploy       | provisioned | deployed | healthy | degrade  | fail  | stop    | restart  | hotUpdate | updateComplete | destroy
        draft       | configuring | ready          | -            | -           | -        | -       | -        | -     | -       | -        | -         | -              | destroying
        configuring | configuring | ready          | -            | -           | -        | -       | -        | -     | -       | -        | -         | -              | destroying
        ready       | configuring | ready          | provisioning | -           | -        | -       | -        | -     | -       | -        | -         | -              | destroying
        provisioning| -           | -              | -            | deploying   | -        | -       | -        | error | stopped | -        | -         | -              | destroying
        deploying   | -           | -              | -            | -           | starting | -       | -        | error | stopped | -        | -         | -              | destroying
        starting    | -           | -              | -            | -           | -        | running | degraded | error | stopped | -        | -         | -              | destroying
        running     | -           | -              | -            | -           | -        | -       | degraded | error | stopped | starting | updating  | -              | destroying
        degraded    | -           | -              | -            | -           | -        | running | -        | error | stopped | starting | updating  | -              | destroying
        stopped     | configuring | ready          | provisioning | -           | -        | -       | -        | error | -       | starting | -         | -              | destroying
        error       | configuring | ready          | provisioning | -           | -        | -       | -        | -     | stopped | starting | -         | -              | destroying
        updating    | -           | -              | -            | -           | -        | -       | -        | error | stopped | -        | -         | running        | destroying
        destroying  | -           | -              | -            | -           | -        | -       | -        | error | -       | -        | -         | -              | destroying
        """;

    private static readonly Dictionary<string, Dictionary<string, string?>> Grid = ParseGrid();

    public static TheoryData<string, string> EveryStateAndTrigger()
    {
        var data = new TheoryData<string, string>();
        foreach (var state in AgentStates.All)
        {
            foreach (var trigger in Enum.GetValues<AgentTrigger>())
            {
                data.Add(state, AgentTriggerNames.ToName(trigger));
            }
        }

        return data;
    }

    public static TheoryData<string> EveryState() => [.. AgentStates.All];

    [Fact]
    public void ExpectedGrid_CoversEveryStateAndEveryTrigger()
    {
        Assert.Equal(AgentStates.All.Order(StringComparer.Ordinal), Grid.Keys.Order(StringComparer.Ordinal));
        var triggers = Enum.GetValues<AgentTrigger>().Select(AgentTriggerNames.ToName).Order(StringComparer.Ordinal).ToList();
        Assert.All(Grid.Values, row => Assert.Equal(triggers, row.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal(12, Grid.Count);
    }

    [Theory]
    [MemberData(nameof(EveryStateAndTrigger))]
    public void Fire_StateAndTrigger_MovesAsTheGridSaysOrIsRefused(string state, string triggerName)
    {
        Assert.True(AgentTriggerNames.TryParse(triggerName, out var trigger));
        var expected = Grid[state][triggerName];
        var machine = new AgentStateMachine(state);

        if (expected is null)
        {
            var error = Assert.Throws<InvalidTransitionException>(() => machine.Fire(trigger));
            Assert.Equal(state, error.State);
            Assert.Equal(trigger, error.Trigger);
            Assert.Equal(AllowedByGrid(state), error.Allowed.Select(AgentTriggerNames.ToName).Order(StringComparer.Ordinal));
            Assert.Equal("INVALID_TRANSITION", error.Code);
            Assert.Equal(state, machine.State);
        }
        else
        {
            var transition = machine.Fire(trigger);
            Assert.Equal(new AgentTransition(state, expected, trigger), transition);
            Assert.Equal(expected, machine.State);
        }
    }

    [Theory]
    [MemberData(nameof(EveryState))]
    public void PermittedTriggers_EveryState_MatchesTheGridRow(string state)
    {
        var machine = new AgentStateMachine(state);

        Assert.Equal(AllowedByGrid(state), machine.PermittedTriggers.Select(AgentTriggerNames.ToName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(AgentStates.Ready)]
    [InlineData(AgentStates.Stopped)]
    [InlineData(AgentStates.Error)]
    public void Deploy_IncompleteConfiguration_IsRefusedAndNotPermitted(string state)
    {
        var machine = new AgentStateMachine(state, configComplete: false);

        var error = Assert.Throws<InvalidTransitionException>(() => machine.Fire(AgentTrigger.Deploy));

        Assert.DoesNotContain(AgentTrigger.Deploy, machine.PermittedTriggers);
        Assert.DoesNotContain(AgentTrigger.Deploy, error.Allowed);
        Assert.Contains(AgentTrigger.Destroy, error.Allowed);
    }

    [Fact]
    public void Fire_ReadyThroughAFullDeploymentAndHotUpdate_EndsRunning()
    {
        var machine = new AgentStateMachine(AgentStates.Ready);
        AgentTrigger[] path = [AgentTrigger.Deploy, AgentTrigger.Provisioned, AgentTrigger.Deployed, AgentTrigger.Healthy, AgentTrigger.HotUpdate, AgentTrigger.UpdateComplete];

        var states = path.Select(t => machine.Fire(t).To).ToList();

        Assert.Equal([AgentStates.Provisioning, AgentStates.Deploying, AgentStates.Starting, AgentStates.Running, AgentStates.Updating, AgentStates.Running], states);
    }

    [Fact]
    public void Constructor_UnknownState_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentStateMachine("sleeping"));
    }

    [Fact]
    public void InvalidTransitionException_Message_NamesStateTriggerAndAllowed()
    {
        var error = Assert.Throws<InvalidTransitionException>(() => new AgentStateMachine(AgentStates.Destroying).Fire(AgentTrigger.Stop));

        Assert.Equal("An agent in state 'destroying' cannot stop. Allowed: fail, destroy.", error.Message);
    }

    [Theory]
    [InlineData(AgentTrigger.ConfigComplete, "configComplete")]
    [InlineData(AgentTrigger.HotUpdate, "hotUpdate")]
    [InlineData(AgentTrigger.Destroy, "destroy")]
    public void TriggerNames_RoundTrip(AgentTrigger trigger, string name)
    {
        Assert.Equal(name, AgentTriggerNames.ToName(trigger));
        Assert.True(AgentTriggerNames.TryParse(name, out var parsed));
        Assert.Equal(trigger, parsed);
        Assert.False(AgentTriggerNames.TryParse("HotUpdate", out _));
    }

    private static IEnumerable<string> AllowedByGrid(string state) =>
        Grid[state].Where(kv => kv.Value is not null).Select(kv => kv.Key).Order(StringComparer.Ordinal);

    private static Dictionary<string, Dictionary<string, string?>> ParseGrid()
    {
        var lines = Expected.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split('|', StringSplitOptions.TrimEntries)[1..];
        var grid = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        foreach (var line in lines[1..])
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            Assert.Equal(header.Length + 1, cells.Length);
            grid.Add(cells[0], header.Zip(cells[1..]).ToDictionary(p => p.First, p => p.Second == "-" ? null : p.Second, StringComparer.Ordinal));
        }

        return grid;
    }
}
