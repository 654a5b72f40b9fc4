using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// An HTTP route of the workflow. As a trigger a request to it starts an instance; reached mid-flow the token
/// waits for the next request to the route.
/// </summary>
[Activity("http.endpoint", Category = "HTTP", DisplayName = "HTTP endpoint", Icon = "globe", Kind = ActivityKind.Trigger,
    Description = "Receives an HTTP request on a route (e.g. POST /expenses/{id}): starts the workflow as a trigger, or waits for the request mid-flow.")]
public sealed class HttpEndpointActivity : IActivity
{
    /// <summary>The HTTP method.</summary>
    // Literal only, like the path: the route is registered from the definition before anything is evaluated.
    [ActivityInput(Description = "The HTTP method (GET, POST, PUT, PATCH, DELETE...).", Default = "\"POST\"", UiHint = "select:GET,POST,PUT,PATCH,DELETE", Syntaxes = [ExpressionSyntax.Literal])]
    public string Method { get; set; } = "POST";

    /// <summary>The route template.</summary>
    [ActivityInput(Description = "The route template, e.g. \"/expenses/{id}\"; {name} segments become route values.", Required = true, Syntaxes = [ExpressionSyntax.Literal])]
    public string Path { get; set; } = "";

    /// <summary>The received request.</summary>
    [ActivityOutput(Description = "The request: method, path, routeValues, query, headers and body.")]
    public JsonObject? Request { get; }

    /// <summary>
    /// The key of an HTTP wait or trigger: "METHOD /path" with the method upper-cased and the path normalised
    /// (leading slash, no trailing or doubled slashes, literal text lower-cased, {parameter} names kept).
    /// The request matcher uses the same key, so a route declared as "/Expenses/{Id}/" matches "POST /expenses/{Id}".
    /// </summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The route template.</param>
    /// <param name="key">The normalised key.</param>
    /// <param name="error">Why the method or template is invalid.</param>
    /// <returns>Whether the key could be built.</returns>
    public static bool TryCreateRouteKey(string? method, string? path, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out string? error)
    {
        key = null;
        var verb = method?.Trim().ToUpperInvariant() ?? "";
        if (verb.Length == 0 || !verb.All(char.IsAsciiLetterUpper))
        {
            error = $"\"{method}\" is not an HTTP method.";
            return false;
        }

        if (!TryNormalizePath(path, out var normalized, out error))
        {
            return false;
        }

        key = string.Create(CultureInfo.InvariantCulture, $"{verb} {normalized}");
        return true;
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(
        TryCreateRouteKey(Method, Path, out var key, out var error)
            ? ActivityResult.Suspend(new Wait(WaitKind.Http, key))
            : ActivityResult.Fail(error));

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["request"] = resumeEvent.Payload?.DeepClone(),
        }));

    private static bool TryNormalizePath(string? path, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        var text = path?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "The route path is required.";
            return false;
        }

        if (text.IndexOfAny(['?', '#', ' ', '\t']) >= 0)
        {
            error = $"The route path \"{text}\" must not contain a query, a fragment or spaces.";
            return false;
        }

        var builder = new StringBuilder(text.Length + 1);
        foreach (var segment in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append('/');
            var inParameter = false;
            foreach (var c in segment)
            {
                if (c == '{' || c == '}')
                {
                    // Parameters neither nest nor stay open across a segment.
                    if (inParameter == (c == '{'))
                    {
                        error = $"The route path \"{text}\" has unbalanced braces.";
                        return false;
                    }

                    if (c == '}' && builder[^1] == '{')
                    {
                        error = $"The route path \"{text}\" has a parameter without a name.";
                        return false;
                    }

                    inParameter = c == '{';
                    builder.Append(c);
                }
                else
                {
                    builder.Append(inParameter ? c : char.ToLowerInvariant(c));
                }
            }

            if (inParameter)
            {
                error = $"The route path \"{text}\" has unbalanced braces.";
                return false;
            }
        }

        normalized = builder.Length == 0 ? "/" : builder.ToString();
        error = null;
        return true;
    }
}
