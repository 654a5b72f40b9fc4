using System.Net.Mail;
using System.Text.RegularExpressions;

namespace AgentFlow.Engine.Errors;

/// <summary>Collects every invalid field of one request so the caller hears about all of them at once.</summary>
internal sealed partial class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    /// <summary>Checks a text field: required or not, its length, no control characters.</summary>
    public string? Text(string field, string? value, int maxLength, bool required, int minLength = 1)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"The {field} field is required.");
            }

            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length < minLength)
        {
            Add(field, minLength == 1 ? $"The {field} field must not be empty." : $"The {field} field must be at least {minLength} characters long.");
        }
        else if (trimmed.Length > maxLength)
        {
            Add(field, $"The {field} field must be at most {maxLength} characters long.");
        }
        else if (trimmed.Any(char.IsControl))
        {
            Add(field, $"The {field} field must not contain control characters.");
        }

        return trimmed;
    }

    public string? Email(string field, string? value, bool required)
    {
        var text = Text(field, value, 254, required);
        if (text is null || _errors.ContainsKey(field))
        {
            return text;
        }

        if (!IsEmail(text))
        {
            Add(field, $"The {field} field must be a valid email address.");
        }

        return text.ToLowerInvariant();
    }

    public string? Matches(string field, string? value, Regex pattern, string description)
    {
        if (value is not null && !_errors.ContainsKey(field) && !pattern.IsMatch(value))
        {
            Add(field, $"The {field} field {description}.");
        }

        return value;
    }

    public int? Range(string field, int? value, int min, int max)
    {
        if (value is { } number && (number < min || number > max))
        {
            Add(field, $"The {field} field must be between {min} and {max}.");
        }

        return value;
    }

    /// <exception cref="InputValidationException">At least one field is invalid.</exception>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw new InputValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    private static bool IsEmail(string text)
    {
        if (text.Contains(' ', StringComparison.Ordinal) || text.Count(c => c == '@') != 1 || !EmailShape().IsMatch(text))
        {
            return false;
        }

        return MailAddress.TryCreate(text, out var address) && string.Equals(address.Address, text, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();
}
