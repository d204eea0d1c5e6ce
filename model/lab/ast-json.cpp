/*
 * ast-json.cpp - a clang plugin: the AST of the file being compiled, as
 * JSON, written beside the compile that builds the lab module.
 *
 * The static check (runner/static_check.py) reads clang's AST of a lab.c.
 * It used to come from a second clang (-fsyntax-only -Xclang
 * -ast-dump=json): a process start and a parse that cost as much as the
 * compile itself.  Loaded with -fplugin and run with -add-plugin, this
 * dumps the same tree (the same dumper, Decl::dump with ADOF_JSON, as
 * -ast-dump=json) from the very compile whose object becomes the module,
 * so what is checked is what is built.  C++ only because clang's plugin
 * interface is.
 *
 *   clang ... -c lab.c -fplugin=ast-json.so -Xclang -add-plugin
 *       -Xclang lrulab-ast-json -Xclang -plugin-arg-lrulab-ast-json
 *       -Xclang AST.json
 */
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace {

class DumpJson : public clang::ASTConsumer {
	std::string path;

public:
	explicit DumpJson(std::string path) : path(std::move(path)) {}

	void HandleTranslationUnit(clang::ASTContext &ctx) override
	{
		std::error_code ec;
		llvm::raw_fd_ostream out(path, ec);

		/* no file: the runner refuses a build without its AST */
		if (!ec)
			ctx.getTranslationUnitDecl()->dump(out, false, clang::ADOF_JSON);
	}
};

class DumpJsonAction : public clang::PluginASTAction {
	std::string path;

protected:
	std::unique_ptr<clang::ASTConsumer>
	CreateASTConsumer(clang::CompilerInstance &, llvm::StringRef) override
	{
		return std::make_unique<DumpJson>(path);
	}

	bool ParseArgs(const clang::CompilerInstance &,
		       const std::vector<std::string> &args) override
	{
		if (args.size() != 1)
			return false;
		path = args[0];
		return true;
	}

	/* beside the compile, not instead of it */
	ActionType getActionType() override
	{
		return AddBeforeMainAction;
	}
};

} /* namespace */

static clang::FrontendPluginRegistry::Add<DumpJsonAction>
	registered("lrulab-ast-json", "the AST as JSON, beside the compile");
