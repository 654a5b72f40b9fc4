using System.Text.Json;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Expressions;

namespace AgentFlow.Workflows.Tests;

public sealed class ExpressionSyntaxValidatorTests
{
    private static string Nested(string open, string middle, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + middle + string.Concat(Enumerable.Repeat(close, depth));

    [Fact]
    public void TryParse_LiteralAndVariable_AlwaysPass()
    {
        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiteral(JsonDocument.Parse("\"{{ not parsed\"").RootElement), out _));
        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromVariable("x"), out _));
    }

    [Theory]
    [InlineData("input.amount > 100")]
    [InlineData("({env: 'prod', artifact: vars.artifact})")]
    [InlineData("const a = [1, 2]; a.map(x => x * 2)")]
    [InlineData("")]
    public void TryParse_ValidJavaScript_Passes(string code)
    {
        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromJavaScript(code), out var error), error);
    }

    [Theory]
    [InlineData("input.amount >")]
    [InlineData("({env: 'prod'")]
    [InlineData("vars.x y")]
    [InlineData("let let = 1")]
    public void TryParse_InvalidJavaScript_ReportsSyntaxErrorWithPosition(string code)
    {
        Assert.False(ExpressionSyntaxValidator.TryParse(ValueExpression.FromJavaScript(code), out var error));

        Assert.StartsWith("JavaScript syntax error: ", error, StringComparison.Ordinal);
        Assert.Contains("line 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DeeplyNestedJavaScript_ReportsWithoutThrowing()
    {
        Assert.False(ExpressionSyntaxValidator.TryParse(ValueExpression.FromJavaScript(Nested("[", "1", "]", 100_000)), out var error));

        Assert.StartsWith("JavaScript syntax error: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Expense {{ input.amount }} from {{ input.requester }}")]
    [InlineData("{% if vars.decision == 'Approved' %}yes{% else %}no{% endif %}")]
    [InlineData("{% for x in input.items %}{{ x | upcase }}{% endfor %}")]
    [InlineData("plain text")]
    public void TryParse_ValidLiquid_Passes(string template)
    {
        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiquid(template), out var error), error);
    }

    [Theory]
    [InlineData("Expense {{ input.amount ")]
    [InlineData("{% if vars.x %}unclosed")]
    [InlineData("{% endfor %}")]
    [InlineData("{{ x | }}")]
    public void TryParse_InvalidLiquid_ReportsSyntaxError(string template)
    {
        Assert.False(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiquid(template), out var error));

        Assert.StartsWith("Liquid syntax error: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_LiquidAtTheNestingLimit_Passes()
    {
        var depth = LiquidNestingGuard.MaxDepth;

        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiquid(Nested("{% if true %}", "x", "{% endif %}", depth)), out var blocks), blocks);
        Assert.True(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiquid("{{ " + Nested("a[", "0", "]", depth) + " }}"), out var brackets), brackets);
    }

    // Fluid's parser has no stack check: ~500 levels overflow a thread-pool stack and kill the process, so these
    // must be rejected before parsing (a crash here takes the whole test run down).
    [Theory]
    [InlineData("if")]
    [InlineData("unclosed")]
    [InlineData("for")]
    [InlineData("index")]
    [InlineData("parentheses")]
    [InlineData("liquidTag")]
    [InlineData("justOverTheLimit")]
    public void TryParse_DeeplyNestedLiquid_IsRejectedBeforeParsing(string shape)
    {
        var template = shape switch
        {
            "if" => Nested("{% if true %}", "x", "{% endif %}", 10_000),
            "unclosed" => string.Concat(Enumerable.Repeat("{%- if true -%}", 10_000)),
            "for" => Nested("{% for i in x %}", "", "{% endfor %}", 10_000),
            "index" => "{{ " + Nested("x[", "1", "]", 10_000) + " }}",
            "parentheses" => "{% if " + Nested("(", "true", ")", 10_000) + " %}{% endif %}",
            "liquidTag" => "{% liquid if true\n" + string.Concat(Enumerable.Repeat("if true\n", 10_000)) + "echo 1 %}",
            _ => Nested("{% unless false %}", "x", "{% endunless %}", LiquidNestingGuard.MaxDepth + 1),
        };

        Assert.False(ExpressionSyntaxValidator.TryParse(ValueExpression.FromLiquid(template), out var error));

        Assert.StartsWith("Liquid syntax error: ", error, StringComparison.Ordinal);
        Assert.Contains($"{LiquidNestingGuard.MaxDepth} levels", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DeeplyNestedLiquid_ThrowsExpressionExceptionInsteadOfCrashing()
    {
        var evaluator = ExpressionEvaluators.Create();

        var ex = Assert.Throws<ExpressionException>(() => evaluator.Evaluate(
            ValueExpression.FromLiquid(Nested("{% if true %}", "x", "{% endif %}", 10_000)), ExpressionScope.Empty, TestContext.Current.CancellationToken));

        Assert.Equal(ExpressionSyntax.Liquid, ex.Syntax);
        Assert.Contains("levels deep", ex.Message, StringComparison.Ordinal);
    }
}
