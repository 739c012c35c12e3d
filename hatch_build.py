"""The wheel's build hook: a wheel carries the course (the exercises' metadata and the
graders) inside the package, as mathdl_cli/_course; an editable install does not. It
runs the checkout's own folders, and a copy left in site-packages would outlive the
checkout: with the checkout gone, ``import mathdl_cli`` would find that copy as an
empty namespace package instead of failing plainly."""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name == "wheel" and version == "standard":
            build_data["force_include"]["exercises"] = "mathdl_cli/_course/exercises"
            build_data["force_include"]["graders"] = "mathdl_cli/_course/graders"
