using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Definitions;

/// <summary>The syntax a <see cref="ValueExpression"/> is written in.</summary>
public enum ExpressionSyntax
{
    /// <summary>A plain JSON value used as is.</summary>
    Literal,

    /// <summary><c>{"var":"name"}</c>: the current value of a workflow variable.</summary>
    Var,

    /// <summary><c>{"js":"..."}</c>: a JavaScript expression.</summary>
    Js,

    /// <summary><c>{"liquid":"..."}</c>: a Liquid template producing a string.</summary>
    Liquid,
}

/// <summary>
/// A value in a definition: a JSON literal, or <c>{"var":"x"}</c>, <c>{"js":"..."}</c>, <c>{"liquid":"..."}</c>.
/// An object with exactly one property named <c>var</c>, <c>js</c> or <c>liquid</c> is that syntax; every other JSON value is a literal.
/// </summary>
[JsonConverter(typeof(ValueExpressionJsonConverter))]
public sealed record ValueExpression
{
    private ValueExpression(ExpressionSyntax syntax, JsonElement literal, string? text)
    {
        Syntax = syntax;
        Literal = literal;
        Text = text;
    }

    /// <summary>The syntax of this expression.</summary>
    public ExpressionSyntax Syntax { get; }

    /// <summary>The literal value (only meaningful when <see cref="Syntax"/> is <see cref="ExpressionSyntax.Literal"/>).</summary>
    public JsonElement Literal { get; }

    /// <summary>The variable name or the script/template source (null for literals).</summary>
    public string? Text { get; }

    /// <summary>Creates a literal expression; the element is cloned so it outlives its document.</summary>
    /// <param name="value">The literal JSON value.</param>
    /// <returns>The expression.</returns>
    public static ValueExpression FromLiteral(JsonElement value) => new(ExpressionSyntax.Literal, value.Clone(), null);

    /// <summary>Creates a <c>{"var":"name"}</c> expression.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns>The expression.</returns>
    public static ValueExpression FromVariable(string name) => new(ExpressionSyntax.Var, default, name);

    /// <summary>Creates a <c>{"js":"..."}</c> expression.</summary>
    /// <param name="code">The JavaScript source.</param>
    /// <returns>The expression.</returns>
    public static ValueExpression FromJavaScript(string code) => new(ExpressionSyntax.Js, default, code);

    /// <summary>Creates a <c>{"liquid":"..."}</c> expression.</summary>
    /// <param name="template">The Liquid template.</param>
    /// <returns>The expression.</returns>
    public static ValueExpression FromLiquid(string template) => new(ExpressionSyntax.Liquid, default, template);

    /// <summary>The JSON property name that introduces a syntax, or null for literals.</summary>
    /// <param name="syntax">The syntax.</param>
    /// <returns>"var", "js", "liquid" or null.</returns>
    public static string? KeyOf(ExpressionSyntax syntax) => syntax switch
    {
        ExpressionSyntax.Var => "var",
        ExpressionSyntax.Js => "js",
        ExpressionSyntax.Liquid => "liquid",
        _ => null,
    };

    /// <summary>Reads an expression from a JSON value (see the type remarks for the rules).</summary>
    /// <param name="element">The JSON value.</param>
    /// <returns>The expression.</returns>
    /// <exception cref="JsonException">The value is a <c>var</c>/<c>js</c>/<c>liquid</c> object whose content is not a string.</exception>
    public static ValueExpression FromJson(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            using var properties = element.EnumerateObject();
            JsonProperty? single = null;
            var count = 0;
            foreach (var property in properties)
            {
                single = property;
                count++;
            }

            if (count == 1)
            {
                var syntax = single!.Value.Name switch
                {
                    "var" => ExpressionSyntax.Var,
                    "js" => ExpressionSyntax.Js,
                    "liquid" => ExpressionSyntax.Liquid,
                    _ => ExpressionSyntax.Literal,
                };
                if (syntax != ExpressionSyntax.Literal)
                {
                    if (single.Value.Value.ValueKind != JsonValueKind.String)
                    {
                        throw new JsonException($"The value of a \"{single.Value.Name}\" expression must be a string.");
                    }

                    return new ValueExpression(syntax, default, single.Value.Value.GetString());
                }
            }
        }

        return FromLiteral(element);
    }

    /// <summary>Writes the expression in its JSON form.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var key = KeyOf(Syntax);
        if (key is null)
        {
            Literal.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString(key, Text);
        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public bool Equals(ValueExpression? other) =>
        other is not null && Syntax == other.Syntax && Text == other.Text
        && (Syntax != ExpressionSyntax.Literal || JsonElement.DeepEquals(Literal, other.Literal));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Syntax, Text);
}

/// <summary>System.Text.Json converter for <see cref="ValueExpression"/>.</summary>
public sealed class ValueExpressionJsonConverter : JsonConverter<ValueExpression>
{
    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override ValueExpression Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // A JSON null is the literal null, not a missing value.
        using var document = JsonDocument.ParseValue(ref reader);
        return ValueExpression.FromJson(document.RootElement);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ValueExpression value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        value.WriteTo(writer);
    }
}
