using ChatActors.Node;

return await NodeProgram.RunAsync(args, Console.Out, Console.Error);
