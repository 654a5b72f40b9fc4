using AgentFlow.Studio.Api;
using AgentFlow.Studio.Live;
using AgentFlow.Studio.Session;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AgentFlow.Studio.Components.Common;

/// <summary>
/// The base of every Studio page: the API client, the session, and the loading/error bookkeeping every page needs,
/// so a failed call is always shown (never swallowed) in the API's own words. Data loads once the page is
/// interactive; the prerendered pass shows the loading state.
/// </summary>
public abstract class StudioPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private IDisposable? _liveSubscription;

    [Inject]
    protected StudioApiClient Api { get; set; } = default!;

    [Inject]
    protected StudioSession Session { get; set; } = default!;

    [Inject]
    protected LiveActivityFeed Live { get; set; } = default!;

    [Inject]
    protected ISnackbar Snackbar { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    /// <summary>True until the first load finished (successfully or not).</summary>
    protected bool Loading { get; private set; } = true;

    /// <summary>Why the last load failed, shown by <c>ErrorAlert</c>.</summary>
    protected Exception? LoadError { get; private set; }

    /// <summary>True while a change started from the page (a save, a decision) is in flight; buttons disable on it.</summary>
    protected bool Busy { get; private set; }

    protected CancellationToken PageToken => _disposed.Token;

    protected override async Task OnInitializedAsync()
    {
        if (!RendererInfo.IsInteractive || !Session.IsStarted)
        {
            return;
        }

        await ReloadAsync();
    }

    /// <summary>Loads the page's data; failures are kept in <see cref="LoadError"/>.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    protected async Task ReloadAsync()
    {
        try
        {
            await LoadAsync(PageToken);
            LoadError = null;
        }
        catch (Exception exception) when (exception is StudioApiException or HttpRequestException)
        {
            LoadError = exception;
        }
        catch (OperationCanceledException) when (PageToken.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            Loading = false;
        }
    }

    /// <summary>
    /// Runs a change the user asked for: shows <paramref name="success"/> when it worked, or the API's error (with
    /// its code and field messages) when it did not. Returns whether it worked.
    /// </summary>
    protected async Task<bool> RunAsync(Func<CancellationToken, Task> change, string? success = null)
    {
        Busy = true;
        StateHasChanged();
        try
        {
            await change(PageToken);
            if (success is not null)
            {
                Snackbar.Add(success, Severity.Success);
            }

            return true;
        }
        catch (StudioApiException exception)
        {
            var details = exception.DetailLines();
            Snackbar.Add(details.Count == 0 ? $"{exception.Message} ({exception.Code})" : $"{exception.Message} ({exception.Code}): {string.Join("; ", details)}",
                Severity.Error, o => o.RequireInteraction = true);
            return false;
        }
        catch (HttpRequestException exception)
        {
            Snackbar.Add($"The server could not be reached: {exception.Message}", Severity.Error, o => o.RequireInteraction = true);
            return false;
        }
        finally
        {
            Busy = false;
            StateHasChanged();
        }
    }

    /// <summary>Calls <paramref name="handler"/> on the page's renderer for each live activity event, until the page closes.</summary>
    protected void SubscribeToLiveEvents(Func<LiveEvent, Task> handler) =>
        _liveSubscription = Live.Subscribe(e => InvokeAsync(async () =>
        {
            await handler(e);
            StateHasChanged();
        }));

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _liveSubscription?.Dispose();
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }
}
