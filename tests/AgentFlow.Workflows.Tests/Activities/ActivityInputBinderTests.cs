using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;

namespace AgentFlow.Workflows.Tests.Activities;

public sealed class ActivityInputBinderTests
{
    private static readonly ActivityDescriptor Sample = ActivityDescriptorFactory.Create(typeof(SampleActivity));

    private static SampleActivity Bind(Dictionary<string, JsonNode?> inputs)
    {
        var activity = new SampleActivity();
        ActivityInputBinder.Bind(activity, Sample, inputs);
        return activity;
    }

    [Fact]
    public void Bind_JsonValues_ConvertToPropertyTypes()
    {
        var activity = Bind(new()
        {
            ["message"] = "hello",
            ["retryCount"] = 7,
            ["ratio"] = 0.5,
            ["amount"] = 12.25,
            ["verbose"] = false,
            ["tags"] = new JsonArray("a", "b"),
            ["recipients"] = new JsonArray("x@example.com", "y@example.com"),
            ["counts"] = new JsonObject { ["open"] = 2 },
            ["payload"] = new JsonObject { ["k"] = "v" },
            ["level"] = "warning",
            ["url"] = "https://example.com/hook",
        });

        Assert.Equal("hello", activity.Message);
        Assert.Equal(7, activity.RetryCount);
        Assert.Equal(0.5, activity.Ratio);
        Assert.Equal(12.25m, activity.Amount);
        Assert.False(activity.Verbose);
        Assert.Equal(["a", "b"], activity.Tags!.Select(t => t!.GetValue<string>()));
        Assert.Equal(["x@example.com", "y@example.com"], activity.Recipients);
        Assert.Equal(2, activity.Counts["open"]);
        Assert.Equal("v", activity.Payload!["k"]!.GetValue<string>());
        Assert.Equal(SampleLevel.Warning, activity.Level);
        Assert.Equal(new Uri("https://example.com/hook"), activity.Endpoint);
    }

    [Fact]
    public void Bind_AbsentInputs_UseDescriptorDefaults()
    {
        var activity = Bind([]);

        Assert.Equal(3, activity.RetryCount);
        Assert.True(activity.Verbose);
        Assert.Equal(1, activity.Settings!["a"]!.GetValue<int>());
        Assert.Equal(SampleLevel.Info, activity.Level);
    }

    [Fact]
    public void Bind_AbsentInputWithoutDefault_KeepsInitializerValue()
    {
        var activity = Bind([]);

        Assert.Equal("", activity.Message);
        Assert.Empty(activity.Recipients);
        Assert.Null(activity.Amount);
    }

    [Fact]
    public void Bind_JsonNull_CountsAsAbsent()
    {
        var activity = Bind(new() { ["retryCount"] = null, ["message"] = null, ["amount"] = null });

        Assert.Equal(3, activity.RetryCount);
        Assert.Equal("", activity.Message);
        Assert.Null(activity.Amount);
    }

    [Fact]
    public void Bind_JsonNodeInput_GetsACopy()
    {
        var payload = new JsonObject { ["k"] = "v" };

        var activity = Bind(new() { ["payload"] = payload });
        activity.Payload!["k"] = "changed";

        Assert.NotSame(payload, activity.Payload);
        Assert.Equal("v", payload["k"]!.GetValue<string>());
    }

    [Fact]
    public void Bind_UnconvertibleValue_ThrowsNamingInputAndType()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["retryCount"] = "three" }));

        Assert.Contains("\"retryCount\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UnconvertibleNullableOrGenericValue_NamesTheReadableType()
    {
        var nullable = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["amount"] = "much" }));
        var list = Assert.Throws<InvalidOperationException>(() => Bind(new() { ["recipients"] = "a@example.com" }));

        Assert.Contains("Decimal?", nullable.Message, StringComparison.Ordinal);
        Assert.Contains("List<String>", list.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("settings", "[1]", "JsonObject")]
    [InlineData("settings", "\"text\"", "JsonObject")]
    [InlineData("tags", "{\"a\":1}", "JsonArray")]
    [InlineData("level", "\"Critical\"", "SampleLevel")]
    [InlineData("url", "42", "Uri")]
    public void Bind_WrongJsonShape_ThrowsInvalidOperation(string input, string json, string typeName)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Bind(new() { [input] = JsonNode.Parse(json) }));

        Assert.Contains($"\"{input}\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeName, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_UnknownInputName_IsIgnored()
    {
        var activity = Bind(new() { ["notDeclared"] = "x", ["message"] = "m" });

        Assert.Equal("", activity.NotDeclared);
        Assert.Equal("m", activity.Message);
    }

    [Fact]
    public void Bind_PropertyWithJsonConverter_UsesTheConverter()
    {
        var activity = new IfActivity();

        ActivityInputBinder.Bind(activity, ActivityDescriptorFactory.Create(typeof(IfActivity)), new Dictionary<string, JsonNode?> { ["condition"] = "TRUE" });

        Assert.True(activity.Condition);
    }

    [Fact]
    public void Bind_InputWithoutSetter_Throws()
    {
        var activity = new GetterOnlyInputActivity();

        var ex = Assert.Throws<InvalidOperationException>(() => ActivityInputBinder.Bind(
            activity, ActivityDescriptorFactory.Create(typeof(GetterOnlyInputActivity)), new Dictionary<string, JsonNode?> { ["text"] = "x" }));

        Assert.Contains("\"text\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithDefaults_FillsAbsentAndNullInputsOnly()
    {
        var inputs = new Dictionary<string, JsonNode?> { ["retryCount"] = 9, ["verbose"] = null, ["message"] = "m" };

        var result = ActivityInputBinder.WithDefaults(Sample, inputs);

        Assert.Equal(9, result["retryCount"]!.GetValue<int>());
        Assert.True(result["verbose"]!.GetValue<bool>());
        Assert.Equal("Info", result["level"]!.GetValue<string>());
        Builtin.Results.AssertJson("""{"a":1}""", result["settings"]);
        Assert.Equal("m", result["message"]!.GetValue<string>());
        Assert.False(result.ContainsKey("ratio"));
        Assert.Null(inputs["verbose"]);
    }
}

[Activity("test.getterOnly")]
internal sealed class GetterOnlyInputActivity : IActivity
{
    [ActivityInput]
    public string Text { get; } = "";

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Complete());
}
