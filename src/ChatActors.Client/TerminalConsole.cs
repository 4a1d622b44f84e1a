using System.Collections.ObjectModel;
using System.Globalization;
using Spectre.Console;
using Terminal.Gui.App;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace ChatActors.Client;

/// <summary>
/// For a person at a terminal: prompts by Spectre.Console, and a chat window by Terminal.Gui in
/// which the server's lines scroll by while the user types (Enter sends, Esc or /quit finishes).
/// </summary>
public sealed class TerminalConsole : IClientConsole
{
    private const string Quit = "/quit";
    private readonly object _gate = new();
    private readonly ObservableCollection<string> _lines = [];
    private IApplication? _app;
    private ListView? _list;

    /// <summary>While the chat window is open (a reconnect), in the window: the console is the window's.</summary>
    public void Status(string message)
    {
        if (!ShowInWindow($"* {message}"))
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
        }
    }

    public void Error(string message)
    {
        if (!ShowInWindow($"! {message}"))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/]");
        }
    }

    public string? AskName(string? why)
    {
        if (why is not null)
        {
            Error(why);
        }

        return AnsiConsole.Prompt(new TextPrompt<string>("Your name:"));
    }

    public void Show(string line)
    {
        lock (_gate)
        {
            if (!ShowInWindow(line))
            {
                _lines.Add(line);
            }
        }
    }

    private bool ShowInWindow(string line)
    {
        lock (_gate)
        {
            if (_app is not { } app)
            {
                return false;
            }

            app.Invoke(() =>
            {
                _lines.Add(line);
                _list?.MoveEnd();
            });
            return true;
        }
    }

    public Task ChatAsync(string title, Func<string, Task> send, CancellationToken serverGone)
    {
        // Terminal.Gui runs its loop on this thread until the window closes.
        using var app = Application.Create().Init();
        using var window = new Window { Title = $"{title}   Enter: send   Esc: finish" };
        var list = new ListView { Width = Dim.Fill(), Height = Dim.Fill(1) };
        list.SetSource(_lines);
        var input = new TextField { Y = Pos.AnchorEnd(1), Width = Dim.Fill() };
        input.Accepting += (_, accepting) =>
        {
            accepting.Handled = true;
            var text = input.Text;
            input.Text = string.Empty;
            if (text == Quit)
            {
                app.RequestStop();
            }
            else if (text.Length > 0)
            {
                _ = send(text);
            }
        };
        window.Add(list, input);
        input.SetFocus();
        lock (_gate)
        {
            _app = app;
            _list = list;
        }

        using (serverGone.Register(() => app.Invoke(() => app.RequestStop())))
        {
            app.Run(window);
        }

        lock (_gate)
        {
            _app = null;
            _list = null;
        }

        return Task.CompletedTask;
    }

    public string AskLeave()
    {
        var rating = AnsiConsole.Prompt(
            new TextPrompt<string>("Your rating, 1 to 5 (Enter to skip):")
                .AllowEmpty()
                .Validate(text => text.Length == 0 || IsRating(text), "A rating is a number from 1 to 5, such as 4 or 4.5."));
        return rating.Length == 0 ? "stop" : $"stop {rating}";
    }

    private static bool IsRating(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var rating) && rating is >= 1 and <= 5;
}
