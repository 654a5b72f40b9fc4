using System.Text.Json;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Tests.Activities;

public sealed class ActivityDescriptorFactoryTests
{
    private static readonly ActivityDescriptor Sample = ActivityDescriptorFactory.Create(typeof(SampleActivity));

    private static ActivityInputDescriptor Input(string name) => Assert.Single(Sample.Inputs, i => i.Name == name);

    [Fact]
    public void Create_ClassAttribute_FillsDescriptorHeader()
    {
        Assert.Equal("test.sample", Sample.Type);
        Assert.Equal(2, Sample.Version);
        Assert.Equal("Testing", Sample.Category);
        Assert.Equal("Sample", Sample.DisplayName);
        Assert.Equal("Exercises every attribute.", Sample.Description);
        Assert.Equal("flask", Sample.Icon);
        Assert.Equal(ActivityKind.Blocking, Sample.Kind);
        Assert.True(Sample.Waits);
    }

    [Fact]
    public void Create_Inputs_AreCamelCasedPropertyNamesInDeclarationOrder()
    {
        Assert.Equal(
            ["message", "retryCount", "ratio", "amount", "verbose", "settings", "tags", "recipients", "counts", "payload", "anything", "level", "url"],
            Sample.Inputs.Select(i => i.Name));
        Assert.Equal(["resultText", "itemCount", "details"], Sample.Outputs.Select(o => o.Name));
    }

    [Theory]
    [InlineData("message", JsonValueType.String)]
    [InlineData("retryCount", JsonValueType.Number)]
    [InlineData("ratio", JsonValueType.Number)]
    [InlineData("amount", JsonValueType.Number)]
    [InlineData("verbose", JsonValueType.Boolean)]
    [InlineData("settings", JsonValueType.Object)]
    [InlineData("tags", JsonValueType.Array)]
    [InlineData("recipients", JsonValueType.Array)]
    [InlineData("counts", JsonValueType.Object)]
    [InlineData("payload", JsonValueType.Any)]
    [InlineData("anything", JsonValueType.Any)]
    [InlineData("level", JsonValueType.String)]
    [InlineData("url", JsonValueType.String)]
    public void Create_InputPropertyType_MapsToJsonType(string name, JsonValueType expected)
    {
        Assert.Equal(expected, Input(name).Type);
    }

    [Fact]
    public void Create_OutputPropertyTypes_MapToJsonTypes()
    {
        Assert.Equal(
            [JsonValueType.String, JsonValueType.Number, JsonValueType.Object],
            Sample.Outputs.Select(o => o.Type));
        Assert.Equal("The produced text.", Sample.Outputs[0].Description);
    }

    [Fact]
    public void Create_InputAttribute_CarriesDescriptionUiHintRequiredAndSyntaxes()
    {
        var message = Input("message");

        Assert.Equal("The text to show.", message.Description);
        Assert.Equal("multiline", message.UiHint);
        Assert.True(message.Required);
        Assert.Equal([ExpressionSyntax.Literal, ExpressionSyntax.Liquid], message.Syntaxes);
        Assert.Null(message.DefaultValue);
    }

    [Fact]
    public void Create_InputWithoutOptions_IsOptionalAndAllowsEverySyntax()
    {
        var ratio = Input("ratio");

        Assert.False(ratio.Required);
        Assert.Equal(Enum.GetValues<ExpressionSyntax>(), ratio.Syntaxes);
        Assert.Null(ratio.UiHint);
    }

    [Fact]
    public void Create_DefaultJsonText_BecomesJsonDefault()
    {
        Assert.Equal(3, Input("retryCount").DefaultValue!.Value.GetInt32());
        Assert.Equal(JsonValueKind.True, Input("verbose").DefaultValue!.Value.ValueKind);
        Assert.Equal(1, Input("settings").DefaultValue!.Value.GetProperty("a").GetInt32());
        Assert.Equal("Info", Input("level").DefaultValue!.Value.GetString());
    }

    [Fact]
    public void Create_OutcomesAttribute_GivesStaticOutcomes()
    {
        Assert.Equal(["Approved", "Rejected"], Sample.Outcomes);
        Assert.False(Sample.HasDynamicOutcomes);
        Assert.False(Sample.HasDynamicOutputs);
    }

    [Fact]
    public void Create_DynamicAttributes_SetDynamicFlags()
    {
        var descriptor = ActivityDescriptorFactory.Create(typeof(SwitchTestActivity));

        Assert.True(descriptor.HasDynamicOutcomes);
        Assert.True(descriptor.HasDynamicOutputs);
    }

    [Fact]
    public void Create_NoOptionalAttributes_UsesDefaults()
    {
        var descriptor = ActivityDescriptorFactory.Create(typeof(PlainTestActivity));

        Assert.Equal("test.plain", descriptor.Type);
        Assert.Equal("test.plain", descriptor.DisplayName);
        Assert.Equal(1, descriptor.Version);
        Assert.Equal(ActivityKind.Action, descriptor.Kind);
        Assert.Equal([EdgeDefinition.DefaultOutcome], descriptor.Outcomes);
        Assert.Empty(descriptor.Inputs);
        Assert.Empty(descriptor.Outputs);
    }

    [Theory]
    [InlineData(typeof(UndeclaredActivity), "no [Activity]")]
    [InlineData(typeof(NotAnActivity), "does not implement")]
    [InlineData(typeof(AbstractTestActivity), "abstract")]
    [InlineData(typeof(InvalidDefaultJsonActivity), "not valid JSON")]
    [InlineData(typeof(MismatchedDefaultActivity), "the input is Number")]
    [InlineData(typeof(DuplicateInputActivity), "\"text\" more than once")]
    public void Create_InvalidActivityClass_ThrowsNamingTheProblem(Type type, string expectedFragment)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ActivityDescriptorFactory.Create(type));

        Assert.Contains(type.Name, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }
}
