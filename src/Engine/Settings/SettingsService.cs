using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Settings;

/// <summary>
/// A partial update of company settings. <see langword="null"/> leaves a field unchanged, an empty string clears
/// an optional field, and the mask <c>***</c> for a secret keeps the stored secret (so a client can send back
/// what it read).
/// </summary>
public sealed record UpdateSettingsCommand(
    string? Name,
    string? Domain,
    string? Subdomain,
    string? SmtpHost,
    int? SmtpPort,
    string? SmtpUser,
    string? SmtpPass,
    string? DkimPrivateKey,
    string? LogoUrl,
    string? PrimaryColor);

public sealed partial class SettingsService(AgentFlowDbContext db, TimeProvider time)
{
    public const string SecretMask = "***";

    public async Task<CompanySettings> GetAsync(CancellationToken cancellationToken = default) =>
        await db.CompanySettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken)
        ?? throw new ResourceNotFoundException("Settings", "current organisation");

    public async Task<CompanySettings> UpdateAsync(UpdateSettingsCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 200, required: false);
        var domain = Optional(errors, "domain", command.Domain, 253);
        errors.Matches("domain", domain is { Length: > 0 } ? domain : null, HostName(), "must be a host name such as agents.example.com");
        var subdomain = errors.Text("subdomain", command.Subdomain, 63, required: false);
        errors.Matches("subdomain", subdomain, Label(), "may contain only lower-case letters, digits and '-', and must not start or end with '-'");
        var smtpHost = Optional(errors, "smtpHost", command.SmtpHost, 253);
        errors.Range("smtpPort", command.SmtpPort, 1, 65535);
        var smtpUser = Optional(errors, "smtpUser", command.SmtpUser, 256);
        var smtpPass = Secret(errors, "smtpPass", command.SmtpPass, 1024);
        var dkim = Secret(errors, "dkimPrivateKey", command.DkimPrivateKey, 8192);
        var logoUrl = Optional(errors, "logoUrl", command.LogoUrl, 2048);
        if (logoUrl is { Length: > 0 } && !(Uri.TryCreate(logoUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            errors.Add("logoUrl", "The logoUrl field must be an absolute http(s) URL.");
        }

        errors.Matches("primaryColor", command.PrimaryColor, Color(), "must be a colour such as #6366f1");
        errors.ThrowIfAny();

        var settings = await db.CompanySettings.FirstOrDefaultAsync(cancellationToken)
            ?? throw new ResourceNotFoundException("Settings", "current organisation");
        if (subdomain is not null && subdomain != settings.Subdomain
            && await db.CompanySettings.IgnoreQueryFilters().AnyAsync(s => s.Subdomain == subdomain, cancellationToken))
        {
            throw new ResourceConflictException($"The subdomain '{subdomain}' is taken.", "subdomain");
        }

        settings.Name = name ?? settings.Name;
        settings.Domain = Apply(domain, settings.Domain);
        settings.Subdomain = subdomain ?? settings.Subdomain;
        settings.SmtpHost = Apply(smtpHost, settings.SmtpHost);
        settings.SmtpPort = command.SmtpPort ?? settings.SmtpPort;
        settings.SmtpUser = Apply(smtpUser, settings.SmtpUser);
        settings.SmtpPass = ApplySecret(smtpPass, settings.SmtpPass);
        settings.DkimPrivateKey = ApplySecret(dkim, settings.DkimPrivateKey);
        settings.LogoUrl = Apply(logoUrl, settings.LogoUrl);
        settings.PrimaryColor = command.PrimaryColor?.ToLowerInvariant() ?? settings.PrimaryColor;
        settings.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return settings;
    }

    /// <summary>The settings as any member may see them: secrets replaced by <see cref="SecretMask"/>.</summary>
    public static string? Mask(string? secret) => string.IsNullOrEmpty(secret) ? null : SecretMask;

    private static string? Optional(FieldErrors errors, string field, string? value, int max) =>
        value is { Length: 0 } ? string.Empty : errors.Text(field, value, max, required: false);

    // Secrets are taken verbatim (a password may have spaces or symbols); only their length is bounded.
    private static string? Secret(FieldErrors errors, string field, string? value, int max)
    {
        if (value is { Length: > 0 } && value.Length > max)
        {
            errors.Add(field, $"The {field} field must be at most {max} characters long.");
        }

        return value;
    }

    private static string? Apply(string? value, string? current) => value is null ? current : value.Length == 0 ? null : value;

    private static string? ApplySecret(string? value, string? current) => value == SecretMask ? current : Apply(value, current);

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex HostName();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();

    [GeneratedRegex("^#[0-9a-fA-F]{6}$", RegexOptions.CultureInvariant)]
    private static partial Regex Color();
}
