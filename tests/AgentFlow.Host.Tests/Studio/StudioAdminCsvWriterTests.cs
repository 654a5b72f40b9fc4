using System.Text;
using System.Text.Json;
using AgentFlow.Studio.Admin;
using AgentFlow.Studio.Api;

namespace AgentFlow.Host.Tests.Studio;

public sealed class StudioAdminCsvWriterTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("carriage\rreturn", "\"carriage\rreturn\"")]
    [InlineData(" spaces kept ", " spaces kept ")]
    public void Field_QuotesOnlyWhatRfc4180Requires(string? value, string expected) =>
        Assert.Equal(expected, CsvWriter.Field(value));

    [Fact]
    public void Write_HeaderAndRecords_AreSeparatedByCrlf()
    {
        var csv = CsvWriter.Write(["a", "b"], [["1", null], ["x,y", "z"]]);

        Assert.Equal("a,b\r\n1,\r\n\"x,y\",z\r\n", csv);
    }

    [Fact]
    public void Write_AwkwardFields_RoundTripThroughAnRfc4180Reader()
    {
        string?[][] rows = [["{\"role\":\"member\",\"note\":\"a, b\"}", "line one\r\nline two", "\"\"", ""]];

        var parsed = Csv.Parse(CsvWriter.Write(["details", "text", "quotes", "empty"], rows));

        Assert.Equal(2, parsed.Count);
        Assert.Equal(["details", "text", "quotes", "empty"], parsed[0]);
        Assert.Equal(["{\"role\":\"member\",\"note\":\"a, b\"}", "line one\r\nline two", "\"\"", ""], parsed[1]);
    }

    [Fact]
    public void AuditCsv_Write_NamesActorsAndKeepsDetailsAsJson()
    {
        using var details = JsonDocument.Parse("{\"role\":\"member\",\"fields\":[\"name\",\"role\"]}");
        var entry = new AuditEntryDto(Guid.CreateVersion7(), new DateTimeOffset(2026, 11, 27, 10, 30, 5, 123, TimeSpan.FromHours(2)), "actor-id", "user",
            "user.create", "user:42", details.RootElement.Clone(), "127.0.0.1", "req-1");
        var unnamed = entry with { Id = Guid.CreateVersion7(), Actor = "other", Details = default, Ip = null };

        var parsed = Csv.Parse(AuditCsv.Write([entry, unnamed], new Dictionary<string, string> { ["actor-id"] = "ada@example.com" }));

        Assert.Equal(AuditCsv.Header, parsed[0]);
        Assert.Equal(
            [entry.Id.ToString(), "2026-11-27T08:30:05.123Z", "actor-id", "ada@example.com", "user", "user.create", "user:42", "127.0.0.1", "req-1",
                "{\"role\":\"member\",\"fields\":[\"name\",\"role\"]}"],
            parsed[1]);
        Assert.Equal("", parsed[2][3]);
        Assert.Equal("", parsed[2][7]);
        Assert.Equal("", parsed[2][9]);
    }
}

/// <summary>A strict RFC 4180 reader for the tests: quoted fields, doubled quotes, CRLF between records.</summary>
internal static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"' && field.Length == 0)
            {
                i++;
                while (true)
                {
                    Assert.True(i < text.Length, "An unterminated quoted field.");
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                Assert.True(i >= text.Length || text[i] == ',' || text[i] == '\r', $"Text after a closing quote at {i}.");
                continue;
            }

            switch (text[i])
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r':
                    Assert.True(i + 1 < text.Length && text[i + 1] == '\n', "A record must end with CRLF.");
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                    i += 2;
                    break;
                default:
                    Assert.False(text[i] is '"' or '\n', $"An unquoted field holds a quote or a line feed at {i}.");
                    field.Append(text[i++]);
                    break;
            }
        }

        Assert.True(fields.Count == 0 && field.Length == 0, "The last record must end with CRLF.");
        return records;
    }
}
