using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Expressions;

namespace AgentFlow.Workflows.Tests;

public sealed class ExpressionEvaluatorTests
{
    private static readonly IExpressionEvaluator Evaluator = ExpressionEvaluators.Create();

    private static ExpressionScope Scope() => new(
        new JsonObject { ["x"] = 41, ["requester"] = "ada", ["amount"] = 12.5, ["items"] = new JsonArray(1, 2, 3) },
        new JsonObject { ["decision"] = "Approved", ["empty"] = null, ["user"] = new JsonObject { ["name"] = "Grace" } });

    private static JsonNode? Eval(string json, ExpressionScope? scope = null, IExpressionEvaluator? evaluator = null) =>
        (evaluator ?? Evaluator).Evaluate(JsonSerializer.Deserialize<ValueExpression>(json, WorkflowDefinitionSerializer.Options)!, scope ?? Scope(), TestContext.Current.CancellationToken);

    private static ExpressionException Fails(string json, IExpressionEvaluator? evaluator = null) =>
        Assert.Throws<ExpressionException>(() => Eval(json, evaluator: evaluator));

    [Theory]
    [InlineData("\"director\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("""{"env":"prod","n":[1,{"a":true}]}""")]
    public void Evaluate_Literal_ReturnsItself(string json)
    {
        var result = Eval(json);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), result));
    }

    [Fact]
    public void Evaluate_Var_ReturnsACopyOfTheVariable()
    {
        var scope = Scope();

        var result = Eval("""{"var":"user"}""", scope);
        result!["name"] = "changed";

        Assert.Equal("Grace", scope.Vars["user"]!["name"]!.GetValue<string>());
        Assert.Null(Eval("""{"var":"empty"}"""));
        Assert.Equal("Approved", Eval("""{"var":"decision"}""")!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_MissingVariable_ThrowsExpressionException()
    {
        var ex = Fails("""{"var":"nope"}""");

        Assert.Equal(ExpressionSyntax.Var, ex.Syntax);
        Assert.Contains("\"nope\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JsObjectLiteral_ReturnsJsonObject()
    {
        var result = Eval("""{"js":"({a: input.x + 1, who: vars.user.name, list: input.items.map(i => i * 2)})"}""");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a":42,"who":"Grace","list":[2,4,6]}"""), result));
    }

    [Theory]
    [InlineData("input.requester", "\"ada\"")]
    [InlineData("input.amount * 2", "25")]
    [InlineData("vars.decision === 'Approved'", "true")]
    [InlineData("vars.empty", "null")]
    [InlineData("undefined", "null")]
    [InlineData("let s = 0; for (const i of input.items) s += i; s", "6")]
    public void Evaluate_Js_ReturnsJsonNativeValue(string code, string expected)
    {
        var result = Eval(JsonSerializer.Serialize(new { js = code }));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Evaluate_JsInfiniteLoop_StoppedByStatementLimit()
    {
        var ex = Fails("""{"js":"while(true){}"}""");

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
        Assert.Contains("statements", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JsInfiniteLoopWithoutStatementLimit_StoppedByTimeout()
    {
        var evaluator = ExpressionEvaluators.Create(new ExpressionOptions { MaxStatements = null, Timeout = TimeSpan.FromMilliseconds(200) });

        var ex = Fails("""{"js":"while(true){}"}""", evaluator);

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
        Assert.Contains("time limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JsHugeAllocation_StoppedByMemoryLimit()
    {
        var ex = Fails("""{"js":"let a=[]; while(true) a.push(new Array(1e5).fill(1))"}""");

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
        Assert.Contains("memory limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JsUnboundedRecursion_StoppedByRecursionLimit()
    {
        var ex = Fails("""{"js":"function f(n) { return f(n + 1); } f(0)"}""");

        Assert.Contains("recursion limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("({a: ")]
    [InlineData("input.x +* 2")]
    public void Evaluate_JsSyntaxError_ThrowsExpressionException(string code)
    {
        var ex = Fails(JsonSerializer.Serialize(new { js = code }));

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
        Assert.Contains("syntax", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("input.nothing.deeper")]
    [InlineData("throw new Error('boom')")]
    [InlineData("notDefined + 1")]
    public void Evaluate_JsRuntimeError_ThrowsExpressionException(string code)
    {
        var ex = Fails(JsonSerializer.Serialize(new { js = code }));

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
        Assert.StartsWith("Script error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_JsHasNoClrAccess()
    {
        var ex = Fails("""{"js":"System.IO.File.ReadAllText('/etc/passwd')"}""");

        Assert.Equal(ExpressionSyntax.Js, ex.Syntax);
    }

    [Fact]
    public void Evaluate_Liquid_RendersInputAndVars()
    {
        var result = Eval("""{"liquid":"Expense {{ input.amount }} from {{ input.requester }}: {{ vars.decision }}"}""");

        Assert.Equal("Expense 12.5 from ada: Approved", result!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_LiquidFilters_Apply()
    {
        var result = Eval("""{"liquid":"{{ input.requester | upcase }} {{ vars.user.name | downcase }} {{ input.items | join: '-' }} {{ vars.missing | default: 'n/a' }}"}""");

        Assert.Equal("ADA grace 1-2-3 n/a", result!.GetValue<string>());
    }

    [Theory]
    [InlineData("{{ input.requester ")]
    [InlineData("{% if input.x %}no end")]
    [InlineData("{% for %}{% endfor %}")]
    public void Evaluate_LiquidSyntaxError_ThrowsExpressionException(string template)
    {
        var ex = Fails(JsonSerializer.Serialize(new { liquid = template }));

        Assert.Equal(ExpressionSyntax.Liquid, ex.Syntax);
        Assert.Contains("syntax error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LiquidHugeLoop_StoppedByStepLimit()
    {
        var ex = Fails("""{"liquid":"{% for i in (1..1000000) %}{{ i }}{% endfor %}"}""");

        Assert.Equal(ExpressionSyntax.Liquid, ex.Syntax);
    }

    [Fact]
    public void Evaluate_LiquidDivisionByZero_ThrowsExpressionException()
    {
        var ex = Fails("""{"liquid":"{{ input.x | divided_by: 0 }}"}""");

        Assert.Equal(ExpressionSyntax.Liquid, ex.Syntax);
    }

    [Fact]
    public void Evaluate_CancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Evaluator.Evaluate(ValueExpression.FromJavaScript("1"), Scope(), cts.Token));
    }
}
