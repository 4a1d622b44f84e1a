using ChatActors.Live;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ChatActors.Node;

/// <summary>
/// The live view in the terminal that runs the node: redrawn four times a second from the
/// newest <see cref="LiveModel"/> the <see cref="LiveViewActor"/> handed over.
/// </summary>
public sealed class LiveConsole(IAnsiConsole terminal, string footer) : ILiveScreen
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(250);
    private volatile LiveModel _model = LiveModel.Empty;

    /// <summary>The terminal itself, even when Console.Out has been sent to the log file.</summary>
    public static IAnsiConsole Terminal() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true }) });

    public void Show(LiveModel model) => _model = model;

    /// <summary>Draws until <paramref name="stop"/> completes, then once more, and leaves the last picture on the screen.</summary>
    public async Task RunAsync(Task stop)
    {
        await terminal.Live(Render())
            .Overflow(VerticalOverflow.Ellipsis)
            .Cropping(VerticalOverflowCropping.Bottom)
            .StartAsync(async live =>
            {
                while (!stop.IsCompleted)
                {
                    live.UpdateTarget(Render());
                    await Task.WhenAny(stop, Task.Delay(RedrawEvery));
                }

                live.UpdateTarget(Render());
            });
    }

    /// <summary>q stops the node as Ctrl+C does.</summary>
    public static void StopOnQ(Action requestStop, Task stopRequested) =>
        _ = Task.Run(() =>
        {
            while (!stopRequested.IsCompleted)
            {
                if (Console.ReadKey(intercept: true).KeyChar is 'q' or 'Q')
                {
                    requestStop();
                }
            }
        });

    private IRenderable Render() => LiveViewRendering.Render(_model, DateTime.Now, footer, terminal.Profile.Height);
}
