using System.Globalization;
using System.Text;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// Quotes user values for the YAML and TOML templates. Both formats read a double-quoted string with backslash
/// escapes the same way, so one escaper serves both: quotes and backslashes are escaped, and characters either
/// format treats as line breaks or controls become <c>\uXXXX</c>; everything else is written as is (files are UTF-8).
/// </summary>
internal static class TextQuoting
{
    /// <summary>A YAML double-quoted scalar.</summary>
    public static string Yaml(string value) => Quote(value);

    /// <summary>
    /// A value in a Compose file: Compose interpolates <c>$NAME</c> in values before YAML sees them, so a literal
    /// dollar must be doubled or "Money$Co" would silently lose text.
    /// </summary>
    public static string Compose(string value) => Quote(value.Replace("$", "$$", StringComparison.Ordinal));

    /// <summary>A TOML basic string.</summary>
    public static string Toml(string value) => Quote(value);

    private static string Quote(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    // C0/C1 controls, DEL, YAML 1.1's extra line breaks (NEL, LS, PS) and the BOM must not appear raw.
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
