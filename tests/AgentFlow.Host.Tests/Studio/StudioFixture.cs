using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>
/// The Host over real loopback sockets (SQLite) with the Studio, and the system's Chromium driven by Playwright
/// (no browser download: <c>AGENTFLOW_CHROMIUM</c> or <c>/usr/bin/chromium</c>). Without a browser, the tests are
/// reported as skipped with the reason.
/// </summary>
public class StudioFixture : SqliteHostFixture
{
    public const string ChromiumVariable = "AGENTFLOW_CHROMIUM";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Why no browser could be started, or <see langword="null"/>.</summary>
    public string? BrowserSkipReason { get; private set; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where screenshots go: artifacts/screenshots under the repository (kept as CI artefacts).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");

    protected override void StartHost()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        StartBrowser();
    }

    private void StartBrowser()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            BrowserSkipReason = $"Chromium is not installed at {chromium} (apt-get install chromium, which eng/test.sh does as root, or set {ChromiumVariable}).";
            return;
        }

        _playwright = Microsoft.Playwright.Playwright.CreateAsync().GetAwaiter().GetResult();
        Browser = _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ChromiumArgs,
        }).GetAwaiter().GetResult();
    }

    /// <summary>Marks the calling test skipped when the database or the browser is missing.</summary>
    public void SkipIfNoBrowser()
    {
        SkipIfUnavailable();
        if (BrowserSkipReason is not null)
        {
            Assert.Skip(BrowserSkipReason);
        }
    }

    /// <summary>A fresh browser context (its own cookies) at 1280×800, failing the test on page errors.</summary>
    public async Task<StudioPageSession> OpenAsync(int width = 1280, int height = 800)
    {
        SkipIfNoBrowser();
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new StudioPageSession(context, page);
    }

    /// <summary>Signs <paramref name="user"/> in through the sign-in form and waits for the interactive overview.</summary>
    public async Task<StudioPageSession> SignInAsync(TestUser user, string path = "/studio")
    {
        var session = await OpenAsync();
        var page = session.Page;
        await page.GotoAsync(path);
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", TestTenant.Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
        await session.WaitForInteractiveAsync();
        return session;
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AgentFlow.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }
}

/// <summary>One browser context and its page; records page errors so a test can assert there were none.</summary>
public sealed class StudioPageSession : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public StudioPageSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.PageError += (_, error) => _errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add("console error: " + message.Text);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>
    /// The Blazor circuit is up once the live indicator (rendered only by the interactive layout) says so; the first page
    /// of a cold host on a busy machine can take longer than the default five seconds.
    /// </summary>
    public async Task WaitForInteractiveAsync() =>
        await Assertions.Expect(Page.Locator("[data-testid=live-indicator]")).ToHaveTextAsync("live", new() { Timeout = 30_000 });

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(StudioFixture.ScreenshotDirectory);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(StudioFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
