using AgentFlow.Engine.Errors;

namespace AgentFlow.Engine.Identity;

internal static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    public static void Check(FieldErrors errors, string field, string? password, bool required)
    {
        if (password is null)
        {
            if (required)
            {
                errors.Add(field, $"The {field} field is required.");
            }

            return;
        }

        if (password.Length is < MinLength or > MaxLength)
        {
            errors.Add(field, $"The {field} field must be between {MinLength} and {MaxLength} characters long.");
        }
    }
}
