// The command table and what is generated from it: the app itself, the
// global-flags section of every subcommand's help, did-you-mean for a
// misspelt command, bash and zsh completions and the man page.
#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

#include "core/did_you_mean.h"
#include "core/version.h"

namespace respec::cli {
namespace {

// One line per subcommand, in the order `respec --help` lists them.
constexpr CommandEntry kCommands[] = {
    {"validate", RegisterValidate},
    {"plan", RegisterPlan},
    {"show", RegisterShow},
    {"graph", RegisterGraph},
    {"apply", RegisterApply},
    {"instances", RegisterInstances},
    {"emulator", RegisterEmulator},
    {"whoami", RegisterWhoami},
    {"state", RegisterState},
    {"version", RegisterVersion},
    {"completion", RegisterCompletion},
    {"man", RegisterMan},
};

std::vector<const CLI::App*> Subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

std::vector<const CLI::Option*> Options(const CLI::App& app) {
  return app.get_options([](const CLI::Option* o) { return !o->get_positional(); });
}

bool TakesValue(const CLI::Option* o) { return o->get_type_size_max() > 0 && o->get_expected_max() != 0; }

std::vector<std::string> Spellings(const CLI::Option* o) {
  std::vector<std::string> out;
  for (const auto& s : o->get_snames()) out.push_back("-" + s);
  for (const auto& l : o->get_lnames()) out.push_back("--" + l);
  return out;
}

std::string Joined(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// "Global flags (work before or after the command):" + one line per flag.
std::string GlobalFlagsText(const CLI::App& root) {
  std::string s = "Global flags (before or after the command):\n";
  for (const CLI::Option* o : Options(root)) {
    std::string names = Joined(Spellings(o), ", ");
    if (names == "-h, --help" || names == "--version") continue;
    if (TakesValue(o)) names += " " + (o->get_type_name().empty() ? std::string("VALUE") : o->get_type_name());
    s += fmt::format("  {:<22} {}\n", names, o->get_description());
  }
  return s;
}

std::string ShellWords(const CLI::App& app) {
  std::vector<std::string> words;
  for (const CLI::Option* o : Options(app))
    for (const auto& s : Spellings(o)) words.push_back(s);
  return Joined(words, " ");
}

// Escapes roff's special leading characters and backslashes.
std::string Roff(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

}  // namespace

std::span<const CommandEntry> AllCommands() { return kCommands; }

void DefineCli(CLI::App& app, GlobalOptions& g, Runner* run) {
  app.require_subcommand(1);
  // Global flags may come after the subcommand too (respec plan --endpoint URL).
  app.fallthrough();
  if (const char* p = std::getenv("RESPEC_PROFILE")) g.profile = p;
  app.add_option("--profile", g.profile, "Profile from respec.toml (also RESPEC_PROFILE)")->type_name("NAME");
  app.add_option("--config", g.config,
                 "Config file (default: ./respec.toml, then $XDG_CONFIG_HOME/respec/config.toml)")
      ->type_name("FILE");
  app.add_option("--endpoint", g.endpoint, "ECS API endpoint URL, e.g. http://127.0.0.1:8470 for respec emulator")
      ->type_name("URL");
  app.add_flag("--no-color", g.no_color, "Never colour the output");
  app.add_flag("-v,--verbose", g.verbose, "More log output (repeat for more); secrets are never logged");
  // Handled before parsing (main.cc); defined here for help, completions and the man page.
  static bool version_seen = false;
  app.add_flag("--version", version_seen, "Print the version, commit and build date (with --json: as JSON)");
  for (const CommandEntry& c : kCommands) {
    c.define(app, g, run);
    CLI::App* sub = app.get_subcommand(c.name);  // throws (a programming error) if the name is wrong
    sub->footer([&app] { return GlobalFlagsText(app); });
  }
}

std::string UnknownCommandMessage(const CLI::App& app, int argc, const char* const* argv) {
  std::set<std::string> valued;
  for (const CLI::Option* o : Options(app))
    if (TakesValue(o))
      for (const auto& s : Spellings(o)) valued.insert(s);
  std::vector<std::string> names;
  for (const CLI::App* sub : Subcommands(app)) names.push_back(sub->get_name());
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return "";
    if (!a.empty() && a[0] == '-') {
      if (valued.count(a)) ++i;  // its value is the next word
      continue;
    }
    for (const auto& n : names)
      if (n == a) return "";
    std::string msg = fmt::format("respec: unknown command \"{}\"", a);
    // Commands are short: allow two edits (a transposition, "plna"), or a third of a long word.
    std::string best;
    size_t best_distance = std::max<size_t>(2, a.size() / 3) + 1;
    for (const auto& n : names)
      if (size_t d = EditDistance(a, n); d < best_distance) best_distance = d, best = n;
    if (!best.empty()) msg += fmt::format("; did you mean \"{}\"?", best);
    return msg + "\nCommands: " + Joined(names, ", ") + " (see respec --help)";
  }
  return "";
}

std::string BashCompletion(const CLI::App& app) {
  std::ostringstream s;
  s << "# bash completion for respec (generated by `respec completion bash`)\n"
    << "_respec() {\n"
    << "  local cur prev cmd i\n"
    << "  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
    << "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
    << "  cmd=\"\"\n"
    << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
    << "    case \"${COMP_WORDS[i]}\" in -*) ;; *) cmd=\"${COMP_WORDS[i]}\"; break ;; esac\n"
    << "  done\n"
    << "  case \"$prev\" in\n"
    << "    -f|--file|--out|--config|--world|--state-file|--port-file|--state-dir) "
       "COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
    << "  esac\n"
    << "  local global=\"" << ShellWords(app) << "\"\n"
    << "  case \"$cmd\" in\n";
  std::vector<std::string> names;
  for (const CLI::App* sub : Subcommands(app)) {
    names.push_back(sub->get_name());
    s << "    " << sub->get_name() << ") COMPREPLY=($(compgen -W \"" << ShellWords(*sub)
      << " $global\" -- \"$cur\")); [[ \"$cur\" == -* ]] || COMPREPLY+=($(compgen -f -- \"$cur\")) ;;\n";
  }
  s << "    \"\") COMPREPLY=($(compgen -W \"" << Joined(names, " ") << " $global\" -- \"$cur\")) ;;\n"
    << "  esac\n"
    << "}\n"
    << "complete -F _respec respec\n";
  return s.str();
}

std::string ZshCompletion(const CLI::App& app) {
  auto quote = [](std::string d) {
    std::string out;
    for (char c : d) {
      if (c == '\'') out += "'\\''";
      else if (c == '[' || c == ']' || c == ':') out += std::string("\\") + c;
      else out += c;
    }
    return out;
  };
  auto args = [&](const CLI::App& a) {
    std::string s;
    for (const CLI::Option* o : Options(a))
      for (const auto& name : Spellings(o))
        s += fmt::format("    '{}[{}]{}' \\\n", name, quote(o->get_description()), TakesValue(o) ? ":value:_files" : "");
    return s;
  };
  std::ostringstream s;
  s << "#compdef respec\n# zsh completion for respec (generated by `respec completion zsh`)\n"
    << "_respec() {\n  local -a commands\n  commands=(\n";
  for (const CLI::App* sub : Subcommands(app))
    s << "    '" << sub->get_name() << ":" << quote(sub->get_description()) << "'\n";
  s << "  )\n  _arguments -C \\\n" << args(app)
    << "    '1:command:->command' \\\n    '*::arg:->args'\n"
    << "  case $state in\n    command) _describe 'respec command' commands ;;\n    args)\n"
    << "      case $words[1] in\n";
  for (const CLI::App* sub : Subcommands(app))
    s << "        " << sub->get_name() << ") _arguments \\\n" << args(*sub) << "            '*:file:_files' ;;\n";
  s << "      esac ;;\n  esac\n}\n_respec \"$@\"\n";
  return s.str();
}

std::string ManPage(const CLI::App& app) {
  std::ostringstream s;
  auto options = [&](const CLI::App& a) {
    for (const CLI::Option* o : Options(a)) {
      std::string names = Joined(Spellings(o), ", ");
      if (names == "-h, --help") continue;
      if (TakesValue(o)) names += " " + (o->get_type_name().empty() ? std::string("VALUE") : o->get_type_name());
      s << ".TP\n.B " << Roff(names) << "\n" << Roff(o->get_description()) << "\n";
    }
  };
  s << ".\\\" Generated by `respec man` from the CLI definition; do not edit.\n"
    << ".TH RESPEC 1 \"\" \"respec " << kVersion << "\" \"User Commands\"\n"
    << ".SH NAME\nrespec \\- " << Roff(app.get_description()) << "\n"
    << ".SH SYNOPSIS\n.B respec\n[\\fIGLOBAL FLAGS\\fR] \\fICOMMAND\\fR [\\fIFLAGS\\fR]\n"
    << ".SH DESCRIPTION\nrespec makes resizing Alibaba Cloud ECS subscription instances declarative: "
       "a YAML fleet spec, \\fBrespec plan\\fR, a plan file, \\fBrespec apply\\fR.\n"
    << ".SH GLOBAL FLAGS\n";
  options(app);
  s << ".SH COMMANDS\n";
  for (const CLI::App* sub : Subcommands(app)) {
    s << ".SS " << sub->get_name() << "\n" << Roff(sub->get_description()) << "\n";
    options(*sub);
  }
  s << ".SH EXIT STATUS\n.TP\n0\nsuccess; with \\-\\-detailed\\-exitcode: no changes\n"
    << ".TP\n1\nerror: invalid input, a failed or interrupted apply\n"
    << ".TP\n2\nplan \\-\\-detailed\\-exitcode: changes are present\n"
    << ".TP\n3\napply: the plan is stale (live state changed since it was made); make a new plan\n"
    << ".TP\n4\nplan: blocked instances (without \\-\\-allow\\-blocked)\n"
    << ".SH ENVIRONMENT\nRESPEC_PROFILE, RESPEC_STATE_DIR, NO_COLOR, TERM, ALIBABA_CLOUD_ACCESS_KEY_ID, "
       "ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN\n"
    << ".SH SEE ALSO\nThe README and docs/ of the respec source; schemas/ for every JSON format.\n";
  return s.str();
}

}  // namespace respec::cli
