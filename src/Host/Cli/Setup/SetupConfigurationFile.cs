using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>JSON settings for the files setup writes.</summary>
internal static class SetupJson
{
    /// <summary>
    /// Indented, and with the relaxed encoder so a connection string reads as typed ("+", "&amp;", accents stay
    /// literal). These files are read by configuration loaders, never embedded in HTML, where that escaping matters.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>
/// <c>agentflow.json</c>, which the Host loads from its working directory after appsettings: the database provider,
/// its connection string and the data folder. Never the admin password: the owner already exists in the database.
/// </summary>
internal static class SetupConfigurationFile
{
    public static string Generate(SetupAnswers answers)
    {
        var document = new JsonObject
        {
            ["AgentFlow"] = new JsonObject
            {
                ["DataDirectory"] = answers.DataDirectory,
                ["Database"] = new JsonObject
                {
                    ["Provider"] = answers.Database.ToString(),
                },
            },
            ["ConnectionStrings"] = new JsonObject
            {
                [DatabaseOptions.ConnectionStringName] = answers.ConfiguredConnectionString,
            },
        };
        return document.ToJsonString(SetupJson.Options) + "\n";
    }
}
