namespace ChatActors.Bench;

/// <summary>One line on stderr that a running scenario keeps up to date (every few seconds as new lines when stderr is not a terminal).</summary>
public sealed class Progress : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private Progress(Func<string> describe) => _loop = ShowAsync(describe);

    public static Progress Show(Func<string> describe) => new(describe);

    private async Task ShowAsync(Func<string> describe)
    {
        var redirected = Console.IsErrorRedirected;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(redirected ? 5000 : 500));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Console.Error.Write(redirected ? describe() + "\n" : $"\r{describe(),-100}");
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (!redirected)
        {
            Console.Error.Write($"\r{new string(' ', 100)}\r");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
