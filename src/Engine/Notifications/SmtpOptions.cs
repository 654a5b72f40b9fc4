using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace AgentFlow.Engine.Notifications;

/// <summary>
/// The SMTP relay approval e-mails are sent through (<c>AgentFlow:Smtp</c>). Without a <see cref="Host"/> e-mail is not
/// configured: recipients are only recorded in the workflow journal and nothing is sent.
/// </summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string SectionName = "AgentFlow:Smtp";

    /// <summary>The relay's host name; empty means e-mail is not configured.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>Upgrade the connection with STARTTLS (required when true); false sends in clear text, for a local relay.</summary>
    public bool UseStartTls { get; set; } = true;

    /// <summary>When set, the client authenticates with this user and <see cref="Password"/>.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address (required when <see cref="Host"/> is set).</summary>
    public string? From { get; set; }

    /// <summary>Whether mail can be sent at all.</summary>
    [MemberNotNullWhen(true, nameof(Host))]
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsConfigured && (string.IsNullOrWhiteSpace(From) || !System.Net.Mail.MailAddress.TryCreate(From, out _)))
        {
            yield return new ValidationResult("AgentFlow:Smtp:From must be an e-mail address when AgentFlow:Smtp:Host is set.", [nameof(From)]);
        }
    }
}
