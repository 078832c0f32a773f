using Zhifu.Server.Hosting;

// zhifu [serve|migrate|verify|seed-demo|operator …|demo-pay …] [--urls …] [--Key=Value …]
var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "serve";
var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
return await Verbs.RunAsync(verb, rest);
