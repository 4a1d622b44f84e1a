using ChatActors.Client;

// The chat client of README "The client". Exit codes: see ClientOptions.Usage.
var options = ClientOptions.Parse(args, Console.Error);
if (options is null)
{
    return args.Any(arg => arg is "--help" or "-h" or "-?") ? 0 : 2;
}

IClientConsole console = Console.IsInputRedirected || Console.IsOutputRedirected
    ? new PlainConsole(Console.In, Console.Out, Console.Error)
    : new TerminalConsole();
return await new ChatClient(options, console).RunAsync();
