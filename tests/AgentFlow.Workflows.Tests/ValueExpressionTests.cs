using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Tests;

public sealed class ValueExpressionTests
{
    private static ValueExpression Read(string json) =>
        JsonSerializer.Deserialize<ValueExpression>(json, WorkflowDefinitionSerializer.Options)!;

    [Theory]
    [InlineData("""{"var":"amount"}""", ExpressionSyntax.Var, "amount")]
    [InlineData("""{"js":"input.a + 1"}""", ExpressionSyntax.Js, "input.a + 1")]
    [InlineData("""{"liquid":"Hi {{ name }}"}""", ExpressionSyntax.Liquid, "Hi {{ name }}")]
    public void Parse_SingleSyntaxKey_IsThatSyntax(string json, ExpressionSyntax syntax, string text)
    {
        var expression = Read(json);

        Assert.Equal(syntax, expression.Syntax);
        Assert.Equal(text, expression.Text);
    }

    [Theory]
    [InlineData("\"director\"", JsonValueKind.String)]
    [InlineData("42.5", JsonValueKind.Number)]
    [InlineData("true", JsonValueKind.True)]
    [InlineData("null", JsonValueKind.Null)]
    [InlineData("[1,2]", JsonValueKind.Array)]
    [InlineData("""{"var":"x","js":"y"}""", JsonValueKind.Object)]
    [InlineData("""{"env":"prod"}""", JsonValueKind.Object)]
    [InlineData("{}", JsonValueKind.Object)]
    public void Parse_OtherValues_AreLiterals(string json, JsonValueKind kind)
    {
        var expression = Read(json);

        Assert.Equal(ExpressionSyntax.Literal, expression.Syntax);
        Assert.Equal(kind, expression.Literal.ValueKind);
        Assert.Null(expression.Text);
    }

    [Fact]
    public void Parse_SyntaxKeyWithNonStringValue_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => Read("""{"var":42}"""));
    }

    [Theory]
    [InlineData("""{"var":"amount"}""")]
    [InlineData("""{"js":"1+1"}""")]
    [InlineData("""{"liquid":"{{ a }}"}""")]
    [InlineData("""{"env":"prod","n":[1,2]}""")]
    [InlineData("\"text\"")]
    public void Write_AfterParse_GivesTheSameJson(string json)
    {
        var written = JsonSerializer.Serialize(Read(json), WorkflowDefinitionSerializer.Options);

        // Compared as JSON: the writer may escape characters such as '+' differently from the input.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Equals_LiteralsWithSameContent_AreEqual()
    {
        Assert.Equal(Read("""{"a":[1,2]}"""), Read("""{ "a" : [1, 2] }"""));
        Assert.NotEqual(Read("""{"a":1}"""), Read("""{"a":2}"""));
        Assert.Equal(ValueExpression.FromVariable("x"), Read("""{"var":"x"}"""));
    }
}
