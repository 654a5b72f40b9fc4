using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima;
using AgentFlow.Workflows.Definitions;
using Fluid;
using Jint;
using Jint.Native;
using Jint.Runtime;
using JintJsonParser = Jint.Native.Json.JsonParser;
using JintJsonSerializer = Jint.Native.Json.JsonSerializer;

namespace AgentFlow.Workflows.Expressions;

/// <summary>Creates the default <see cref="IExpressionEvaluator"/>.</summary>
public static class ExpressionEvaluators
{
    /// <summary>An evaluator with the given limits (defaults when null).</summary>
    public static IExpressionEvaluator Create(ExpressionOptions? options = null) => new ExpressionEvaluator(options ?? new ExpressionOptions());
}

/// <summary>literal, var, js (Jint, sandboxed by limits, no CLR access) and liquid (Fluid).</summary>
internal sealed class ExpressionEvaluator(ExpressionOptions options) : IExpressionEvaluator
{
    // FluidParser is thread-safe and costly to build: one per process (shared with ExpressionSyntaxValidator).
    internal static readonly FluidParser LiquidParser = new();

    private const int MaxCachedScripts = 2048;
    private readonly ConcurrentDictionary<string, Prepared<Acornima.Ast.Script>> _scripts = new(StringComparer.Ordinal);

    private readonly TemplateOptions _liquidOptions = new()
    {
        MaxSteps = options.MaxStatements ?? 0,
        MaxRecursion = options.RecursionLimit,
        CultureInfo = CultureInfo.InvariantCulture,
    };

    public JsonNode? Evaluate(ValueExpression expression, ExpressionScope scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(scope);
        cancellationToken.ThrowIfCancellationRequested();
        return expression.Syntax switch
        {
            ExpressionSyntax.Literal => JsonSerializer.SerializeToNode(expression.Literal),
            ExpressionSyntax.Var => EvaluateVariable(expression.Text ?? "", scope),
            ExpressionSyntax.Js => EvaluateJavaScript(expression.Text ?? "", scope, cancellationToken),
            ExpressionSyntax.Liquid => EvaluateLiquid(expression.Text ?? "", scope, cancellationToken),
            _ => throw new ExpressionException(expression.Syntax, $"Unsupported expression syntax {expression.Syntax}."),
        };
    }

    private static JsonNode? EvaluateVariable(string name, ExpressionScope scope)
    {
        // A declared variable holding null is present; an absent key means the variable was never set.
        if (!scope.Vars.TryGetPropertyValue(name, out var value))
        {
            throw new ExpressionException(ExpressionSyntax.Var, $"Variable \"{name}\" is not set.");
        }

        return value?.DeepClone();
    }

    private JsonNode? EvaluateJavaScript(string code, ExpressionScope scope, CancellationToken cancellationToken)
    {
        using var engine = new Engine(o =>
        {
            o.TimeoutInterval(options.Timeout);
            o.LimitRecursion(options.RecursionLimit);
            o.CancellationToken(cancellationToken);
            o.RegexTimeoutInterval(options.Timeout);
            if (options.MaxStatements is { } maxStatements)
            {
                o.MaxStatements(maxStatements);
            }

            if (options.MemoryLimitBytes is { } memoryLimit)
            {
                o.LimitMemory(memoryLimit);
            }
        });

        try
        {
            // Plain JS objects (not CLR wrappers): scripts see exactly what JSON.parse would give them.
            var parser = new JintJsonParser(engine);
            engine.SetValue("input", parser.Parse(scope.Input.ToJsonString()));
            engine.SetValue("vars", parser.Parse(scope.Vars.ToJsonString()));
            // Parsing separately tells syntax errors (author's mistake, fixed in the designer) from runtime errors.
            var result = engine.Evaluate(Prepare(code));
            return ToJson(engine, result);
        }
        catch (ExecutionCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script exceeded the time limit of {options.Timeout.TotalMilliseconds:0} ms.", ex);
        }
        catch (StatementsCountOverflowException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script exceeded the limit of {options.MaxStatements} statements.", ex);
        }
        catch (MemoryLimitExceededException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script exceeded the memory limit of {options.MemoryLimitBytes} bytes.", ex);
        }
        catch (RecursionDepthOverflowException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script exceeded the recursion limit of {options.RecursionLimit}.", ex);
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            throw Fail(ExpressionSyntax.Js, $"Script syntax error: {parse.Description} (line {parse.LineNumber}, column {parse.Column}).", ex);
        }
        catch (ParseErrorException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script syntax error: {ex.Description} (line {ex.LineNumber}, column {ex.Column}).", ex);
        }
        catch (JavaScriptException ex)
        {
            throw Fail(ExpressionSyntax.Js, $"Script error: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Jint surfaces some engine-level failures (e.g. unconvertible values) as plain .NET exceptions;
            // whatever a script provokes is the script's failure, never the worker's.
            throw Fail(ExpressionSyntax.Js, $"Script failed: {ex.Message}", ex);
        }
    }

    // Parsing dominates the cost of a short expression; a prepared script is immutable and can run on any engine.
    // Bounded: definitions are few, but a flood of distinct scripts must not grow the cache without limit.
    private Prepared<Acornima.Ast.Script> Prepare(string code)
    {
        if (_scripts.TryGetValue(code, out var prepared))
        {
            return prepared;
        }

        prepared = Engine.PrepareScript(code);
        if (_scripts.Count >= MaxCachedScripts)
        {
            _scripts.Clear();
        }

        _scripts[code] = prepared;
        return prepared;
    }

    private static JsonNode? ToJson(Engine engine, JsValue value)
    {
        // JSON.stringify semantics: undefined and functions have no JSON form and become null; NaN/Infinity become null.
        var json = new JintJsonSerializer(engine).Serialize(value, JsValue.Undefined, JsValue.Undefined);
        return json.IsUndefined() ? null : JsonNode.Parse(json.AsString());
    }

    private JsonValue EvaluateLiquid(string source, ExpressionScope scope, CancellationToken cancellationToken)
    {
        // Checked before parsing: a deeply nested template overflows the parser's stack and kills the process.
        if (!LiquidNestingGuard.IsSafe(source, out var depthError))
        {
            throw new ExpressionException(ExpressionSyntax.Liquid, $"Template syntax error: {depthError}");
        }

        if (!LiquidParser.TryParse(source, out var template, out var error))
        {
            throw new ExpressionException(ExpressionSyntax.Liquid, $"Template syntax error: {error}");
        }

        var context = new TemplateContext(_liquidOptions);
        context.SetValue("input", ToClr(scope.Input));
        context.SetValue("vars", ToClr(scope.Vars));
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return JsonValue.Create(template.Render(context));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Filters throw whatever .NET throws (DivideByZeroException, FormatException, step limit...): all are template failures.
            throw new ExpressionException(ExpressionSyntax.Liquid, $"Template error: {ex.Message}", ex);
        }
    }

    private static ExpressionException Fail(ExpressionSyntax syntax, string message, Exception inner) => new(syntax, message, inner);

    // Fluid navigates dictionaries and lists natively; JsonNode would need a member access strategy per type.
    private static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToClr(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(ToClr).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // The node may wrap an int, a double or a JsonElement: its JSON text is the one common form.
            JsonValueKind.Number => decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
