// sources: {"address_sync": "bf299a6bc9b0816460be262730b8c631c9b4d25e0f8e60759de2cd54b22843e2", "chart_head": "043fbf612615ad1d5b9e2a894caecbccfb9448936338bb55ed2b6f9dbb880a66", "download": "d07807d5d9a2487544e72ecf9fdd297b11e562e2061954b292d60455781e4bb7", "echarts": "62bc24542bc4cf8fdd5990f0e93618b6e6e093ca6102dd17b561a813126e9d41", "language_toggle": "cc820fc1ac30d894f9f4f16f3a8b5f9bc8b7663df979ea29d58ef4d70ddb8348", "lever_panel": "8e493a92e055d887630e1befc6381c37b76c63afa1262b36e5fe63743d4e3a93", "preset_buttons": "aaa6c04c9e5082c83b2ef5985088ad696a3f56ea372a3c4de69710ccc701c6ec", "share_link": "c5360acd2e8f3f992492b22dc1fe7bc008019cdd59583c86551a80b72256a0f7", "solara_html": "e3c2b9ae3a7401d24379157a1779ce1d6dc9d165cf7879f9e6be6918294ad9f5", "solara_router": "de1861dbfb17a67b1d335bebb369d0d1b6472c2075d0786d41e60b4beb4ef39b", "solara_title": "1ed052a9d5606438131f951e9bb706d81a682148ef97a2c55fb8c65f5682e7bb"}
// Compiled by `python -m webapp.components.build_templates`; do not edit.
import { Fragment as _Fragment, createBlock as _createBlock, createCommentVNode as _createCommentVNode, createElementBlock as _createElementBlock, createElementVNode as _createElementVNode, createTextVNode as _createTextVNode, createVNode as _createVNode, isRef as _ipyvueIsRef, mergeProps as _mergeProps, normalizeClass as _normalizeClass, normalizeStyle as _normalizeStyle, openBlock as _openBlock, renderList as _renderList, resolveComponent as _resolveComponent, resolveDynamicComponent as _resolveDynamicComponent, toDisplayString as _toDisplayString, withCtx as _withCtx, withModifiers as _withModifiers } from "vue";

export const address_sync = (() => {
const options = {
  mounted() {
    this.onPop = () => this.arrived(window.location.search.replace(/^\?/, ""));
    window.addEventListener("popstate", this.onPop);
  },
  destroyed() { window.removeEventListener("popstate", this.onPop); },
  watch: {
    serial() {
      const now = window.location.search.replace(/^\?/, "");
      if (this.mode === "none" || now === this.query) return;
      const url = window.location.pathname + (this.query ? "?" + this.query : "") + window.location.hash;
      if (this.mode === "push") window.history.pushState({ top: 0 }, "", url);
      else window.history.replaceState(window.history.state, "", url);
    },
  },
};
const _hoisted_1 = {
  class: "sq-address",
  style: {"display":"none"}
}

function render(_ctx, _cache, $props, $setup, $data, $options) {
  return (_openBlock(), _createElementBlock("span", _hoisted_1))
}
return { ...options, render };
})();

export const chart_head = (() => {
const options = {};
const _hoisted_1 = { style: {"display":"contents"} }
const _hoisted_2 = { class: "sq-panel-title" }
const _hoisted_3 = {
  key: 0,
  class: "sq-pins"
}
const _hoisted_4 = ["title"]
const _hoisted_5 = { class: "sq-pin-name" }

function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_btn = _resolveComponent("v-btn")

  return (_openBlock(), _createElementBlock("div", _hoisted_1, [
    _createElementVNode("div", _hoisted_2, _toDisplayString(_ctx.title), 1 /* TEXT */),
    (_ctx.pinning)
      ? (_openBlock(), _createElementBlock("div", _hoisted_3, [
          _createVNode(_component_v_btn, {
            "prepend-icon": "mdi-pin",
            variant: "outlined",
            size: "small",
            disabled: _ctx.pins_full,
            class: "sq-pin-button",
            title: _ctx.pin_hint,
            "aria-label": _ctx.pin_hint,
            onClick: _cache[0] || (_cache[0] = $event => (_ctx.pin()))
          }, {
            default: _withCtx(() => [
              _createTextVNode(_toDisplayString(_ctx.pin_label), 1 /* TEXT */)
            ]),
            _: 1 /* STABLE */
          }, 8 /* PROPS */, ["disabled", "title", "aria-label"]),
          (_openBlock(true), _createElementBlock(_Fragment, null, _renderList(_ctx.pins, (p, i) => {
            return (_openBlock(), _createElementBlock("div", {
              key: i,
              class: _normalizeClass('sq-pin sq-pin-' + i),
              title: p.title
            }, [
              _cache[2] || (_cache[2] = _createElementVNode("span", { class: "sq-pin-dot" }, "●", -1 /* CACHED */)),
              _createElementVNode("span", _hoisted_5, _toDisplayString(p.name), 1 /* TEXT */),
              _createVNode(_component_v_btn, {
                variant: "text",
                size: "small",
                density: "compact",
                class: _normalizeClass('sq-pin-remove sq-pin-remove-' + i),
                title: _ctx.remove_label,
                "aria-label": _ctx.remove_label,
                onClick: $event => (_ctx.unpin(i))
              }, {
                default: _withCtx(() => [...(_cache[1] || (_cache[1] = [
                  _createTextVNode("×", -1 /* CACHED */)
                ]))]),
                _: 1 /* STABLE */
              }, 8 /* PROPS */, ["class", "title", "aria-label", "onClick"])
            ], 10 /* CLASS, PROPS */, _hoisted_4))
          }), 128 /* KEYED_FRAGMENT */))
        ]))
      : _createCommentVNode("v-if", true)
  ]))
}
return { ...options, render };
})();

export const download = (() => {
const options = {
  data() { return { busy: false }; },
  methods: {
    start() { this.busy = true; this.prepare_download(); },
  },
  watch: {
    serial() {
      const blob = new Blob([this.content], { type: this.mime_type });
      const url = window.URL.createObjectURL(blob);
      const a = document.createElement("a");
      a.download = this.filename;
      a.href = url;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(() => window.URL.revokeObjectURL(url), 1000);
      this.content = "";
      this.busy = false;
    },
  },
};
function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_btn = _resolveComponent("v-btn")

  return (_openBlock(), _createBlock(_component_v_btn, {
    variant: "text",
    class: _normalizeClass(_ctx.button_class),
    "prepend-icon": _ctx.icon,
    loading: $data.busy,
    onClick: $options.start
  }, {
    default: _withCtx(() => [
      _createTextVNode(_toDisplayString(_ctx.label), 1 /* TEXT */)
    ]),
    _: 1 /* STABLE */
  }, 8 /* PROPS */, ["class", "prepend-icon", "loading", "onClick"]))
}
return { ...options, render };
})();

export const language_toggle = (() => {
const options = {};
function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_btn = _resolveComponent("v-btn")
  const _component_v_btn_toggle = _resolveComponent("v-btn-toggle")

  return (_openBlock(), _createBlock(_component_v_btn_toggle, {
    "model-value": _ctx.index,
    mandatory: "",
    density: "compact",
    class: "sq-lang",
    "onUpdate:modelValue": _cache[0] || (_cache[0] = i => { if (i !== _ctx.index && i !== undefined) _ctx.pick(i); })
  }, {
    default: _withCtx(() => [
      (_openBlock(true), _createElementBlock(_Fragment, null, _renderList(_ctx.items, (l, i) => {
        return (_openBlock(), _createBlock(_component_v_btn, {
          key: l.code,
          value: i,
          size: "small",
          class: _normalizeClass('sq-lang-' + l.code)
        }, {
          default: _withCtx(() => [
            _createTextVNode(_toDisplayString(l.name), 1 /* TEXT */)
          ]),
          _: 2 /* DYNAMIC */
        }, 1032 /* PROPS, DYNAMIC_SLOTS */, ["value", "class"]))
      }), 128 /* KEYED_FRAGMENT */))
    ]),
    _: 1 /* STABLE */
  }, 8 /* PROPS */, ["model-value"]))
}
return { ...options, render };
})();

export const lever_panel = (() => {
const options = {
  data() {
    // moved: values shown before the server's answer (a thumb being dragged, a value just sent);
    // open: the groups open when no search is typed (null: as the page opened), this page's own state
    return { moved_values: {}, dragging: null, open: null };
  },
  computed: {
    searching() {
      return this.shown !== null && this.shown !== undefined;
    },
  },
  watch: {
    values() {
      // the server's values arrived: only a thumb still held keeps its own position
      const held = this.dragging;
      this.moved_values = held !== null && held in this.moved_values ? { [held]: this.moved_values[held] } : {};
    },
  },
  methods: {
    current(c) {
      return c.name in this.moved_values ? this.moved_values[c.name] : this.values[c.name];
    },
    controlClass(c) {
      const changed = this.values[c.name] !== this.preset_values[c.name];
      return "sq-control sq-param-" + c.name + (changed ? " sq-modified" : "");
    },
    valueText(c, value) {
      // as webapp.numbers.value_text: on/off, a year, or the value (x100 for percentages) and its unit
      if (c.kind === "switch") return value >= 0.5 ? this.texts.on : this.texts.off;
      if (c.kind === "year") return Number(value).toFixed(0);
      const text = (value * c.scale).toLocaleString("en-US", {
        minimumFractionDigits: c.text_digits,
        maximumFractionDigits: c.text_digits,
      });
      return text + " " + c.unit;
    },
    moved(c, value) {
      this.moved_values = { ...this.moved_values, [c.name]: value };
      if (this.dragging !== c.name) this.send(c, value); // the keyboard: each step is sent
    },
    released(c, value) {
      this.dragging = null;
      this.send(c, value);
    },
    send(c, value) {
      const rounded = Number(Number(value).toFixed(c.digits));
      this.moved_values = { ...this.moved_values, [c.name]: rounded };
      if (rounded !== this.values[c.name]) this.commit({ name: c.name, value: rounded });
    },
    groupsShown(section) {
      if (!this.searching) return section.groups;
      return section.groups.filter((g) => g.names.some((n) => this.shown.includes(n)));
    },
    controlsShown(group) {
      const names = this.searching ? group.names.filter((n) => this.shown.includes(n)) : group.names;
      return names.map((n) => this.controls[n]);
    },
    changedIn(group) {
      return group.names.filter((n) => this.values[n] !== this.preset_values[n]).length;
    },
    openIn(section) {
      // every group a search shows is open
      const keys = this.groupsShown(section).map((g) => g.key);
      return this.searching ? keys : this.openGroups().filter((k) => keys.includes(k));
    },
    setOpen(section, keys) {
      if (this.searching) return;
      const mine = section.groups.map((g) => g.key);
      this.open = [...this.openGroups().filter((k) => !mine.includes(k)), ...keys];
    },
    openGroups() {
      return this.open === null ? this.initially_open : this.open;
    },
  },
};
const _hoisted_1 = { class: "sq-controls" }
const _hoisted_2 = {
  key: 0,
  class: "sq-no-match"
}
const _hoisted_3 = { class: "sq-controls-head" }
const _hoisted_4 = { class: "sq-controls-preset" }
const _hoisted_5 = { class: "sq-modified-tag" }
const _hoisted_6 = { class: "sq-section-title" }
const _hoisted_7 = { class: "sq-group-title" }
const _hoisted_8 = {
  key: 0,
  class: "sq-changed-badge"
}
const _hoisted_9 = ["title"]
const _hoisted_10 = { class: "sq-control-label" }
const _hoisted_11 = {
  key: 0,
  class: "sq-plan-inline"
}
const _hoisted_12 = {
  key: 1,
  class: "sq-control-value"
}
const _hoisted_13 = { class: "sq-scale" }
const _hoisted_14 = ["title"]
const _hoisted_15 = { class: "sq-scale-range" }
const _hoisted_16 = { class: "sq-plan-text" }

function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_text_field = _resolveComponent("v-text-field")
  const _component_v_btn = _resolveComponent("v-btn")
  const _component_v_expansion_panel_title = _resolveComponent("v-expansion-panel-title")
  const _component_v_switch = _resolveComponent("v-switch")
  const _component_v_slider = _resolveComponent("v-slider")
  const _component_v_expansion_panel_text = _resolveComponent("v-expansion-panel-text")
  const _component_v_expansion_panel = _resolveComponent("v-expansion-panel")
  const _component_v_expansion_panels = _resolveComponent("v-expansion-panels")

  return (_openBlock(), _createElementBlock("div", _hoisted_1, [
    _createVNode(_component_v_text_field, {
      "model-value": _ctx.query,
      "onUpdate:modelValue": _cache[0] || (_cache[0] = (text) => (_ctx.query = text || '')),
      placeholder: _ctx.texts.placeholder,
      "prepend-inner-icon": "mdi-magnify",
      clearable: "",
      "hide-details": "",
      density: "compact",
      variant: "outlined",
      class: "sq-search"
    }, null, 8 /* PROPS */, ["model-value", "placeholder"]),
    ($options.searching && _ctx.shown.length === 0)
      ? (_openBlock(), _createElementBlock("div", _hoisted_2, _toDisplayString(_ctx.texts.none.replace("{query}", _ctx.query.trim())), 1 /* TEXT */))
      : _createCommentVNode("v-if", true),
    _createElementVNode("div", _hoisted_3, [
      _createElementVNode("span", _hoisted_4, _toDisplayString(_ctx.preset_text), 1 /* TEXT */),
      (_ctx.changed_text)
        ? (_openBlock(), _createElementBlock(_Fragment, { key: 0 }, [
            _createElementVNode("span", _hoisted_5, _toDisplayString(_ctx.changed_text), 1 /* TEXT */),
            _createVNode(_component_v_btn, {
              variant: "text",
              "prepend-icon": "mdi-restore",
              class: "sq-reset",
              onClick: _cache[1] || (_cache[1] = $event => (_ctx.reset()))
            }, {
              default: _withCtx(() => [
                _createTextVNode(_toDisplayString(_ctx.texts.reset), 1 /* TEXT */)
              ]),
              _: 1 /* STABLE */
            })
          ], 64 /* STABLE_FRAGMENT */))
        : _createCommentVNode("v-if", true)
    ]),
    (_openBlock(true), _createElementBlock(_Fragment, null, _renderList(_ctx.sections, (section) => {
      return (_openBlock(), _createElementBlock(_Fragment, {
        key: section.key
      }, [
        ($options.groupsShown(section).length)
          ? (_openBlock(), _createElementBlock(_Fragment, { key: 0 }, [
              _createElementVNode("div", _hoisted_6, _toDisplayString(section.title), 1 /* TEXT */),
              _createVNode(_component_v_expansion_panels, {
                multiple: "",
                variant: "accordion",
                flat: "",
                class: "sq-panels",
                "model-value": $options.openIn(section),
                "onUpdate:modelValue": (keys) => $options.setOpen(section, keys)
              }, {
                default: _withCtx(() => [
                  (_openBlock(true), _createElementBlock(_Fragment, null, _renderList($options.groupsShown(section), (group) => {
                    return (_openBlock(), _createBlock(_component_v_expansion_panel, {
                      key: group.key,
                      value: group.key,
                      class: _normalizeClass('sq-group sq-group-' + group.key)
                    }, {
                      default: _withCtx(() => [
                        _createVNode(_component_v_expansion_panel_title, { class: "sq-group-header" }, {
                          default: _withCtx(() => [
                            _createElementVNode("div", _hoisted_7, [
                              _createElementVNode("span", null, _toDisplayString(group.title), 1 /* TEXT */),
                              ($options.changedIn(group))
                                ? (_openBlock(), _createElementBlock("span", _hoisted_8, _toDisplayString(_ctx.texts.changed.replace("{n}", $options.changedIn(group))), 1 /* TEXT */))
                                : _createCommentVNode("v-if", true)
                            ])
                          ]),
                          _: 2 /* DYNAMIC */
                        }, 1024 /* DYNAMIC_SLOTS */),
                        _createCommentVNode(" a panel's controls are drawn when it is first opened (Vuetify's lazy panels), then kept "),
                        _createVNode(_component_v_expansion_panel_text, null, {
                          default: _withCtx(() => [
                            (_openBlock(true), _createElementBlock(_Fragment, null, _renderList($options.controlsShown(group), (c) => {
                              return (_openBlock(), _createElementBlock("div", {
                                key: c.name,
                                class: _normalizeClass($options.controlClass(c) + (c.kind === 'switch' ? ' sq-switch-control' : ''))
                              }, [
                                _createElementVNode("div", {
                                  class: "sq-control-head",
                                  title: c.hint
                                }, [
                                  _createElementVNode("span", _hoisted_10, _toDisplayString(c.label), 1 /* TEXT */),
                                  _createVNode(_component_v_btn, {
                                    icon: "mdi-information-outline",
                                    variant: "text",
                                    size: "small",
                                    density: "compact",
                                    class: _normalizeClass('sq-info sq-info-' + c.name),
                                    title: _ctx.texts.guide_open,
                                    "aria-label": _ctx.texts.guide_open,
                                    onClick: _withModifiers($event => (_ctx.guide(c.name)), ["stop"])
                                  }, null, 8 /* PROPS */, ["class", "title", "aria-label", "onClick"]),
                                  (c.kind === 'switch')
                                    ? (_openBlock(), _createElementBlock("span", _hoisted_11, _toDisplayString(c.plan_text), 1 /* TEXT */))
                                    : (_openBlock(), _createElementBlock("span", _hoisted_12, _toDisplayString($options.valueText(c, $options.current(c))), 1 /* TEXT */))
                                ], 8 /* PROPS */, _hoisted_9),
                                (c.kind === 'switch')
                                  ? (_openBlock(), _createBlock(_component_v_switch, {
                                      key: 0,
                                      "model-value": $options.current(c) >= 0.5,
                                      "onUpdate:modelValue": (on) => $options.send(c, on ? 1 : 0),
                                      label: $options.valueText(c, $options.current(c)),
                                      inset: "",
                                      density: "compact",
                                      "hide-details": "",
                                      color: _ctx.colour,
                                      class: "sq-switch mt-0"
                                    }, null, 8 /* PROPS */, ["model-value", "onUpdate:modelValue", "label", "color"]))
                                  : (_openBlock(), _createElementBlock(_Fragment, { key: 1 }, [
                                      _createVNode(_component_v_slider, {
                                        "model-value": $options.current(c),
                                        "onUpdate:modelValue": (v) => $options.moved(c, v),
                                        onStart: $event => ($data.dragging = c.name),
                                        onEnd: (v) => $options.released(c, v),
                                        min: c.min,
                                        max: c.max,
                                        step: c.step,
                                        "hide-details": "",
                                        density: "compact",
                                        color: _ctx.colour,
                                        "track-color": "#c5cdd8",
                                        "thumb-size": 16,
                                        class: "sq-slider"
                                      }, null, 8 /* PROPS */, ["model-value", "onUpdate:modelValue", "onStart", "onEnd", "min", "max", "step", "color"]),
                                      _createElementVNode("div", _hoisted_13, [
                                        _createElementVNode("span", {
                                          class: "sq-plan-tick",
                                          style: _normalizeStyle(c.tick_style),
                                          title: _ctx.texts.plan_hint
                                        }, "▲", 12 /* STYLE, PROPS */, _hoisted_14),
                                        _createElementVNode("span", _hoisted_15, _toDisplayString(c.range_text), 1 /* TEXT */),
                                        _createElementVNode("span", _hoisted_16, _toDisplayString(c.plan_text), 1 /* TEXT */)
                                      ])
                                    ], 64 /* STABLE_FRAGMENT */))
                              ], 2 /* CLASS */))
                            }), 128 /* KEYED_FRAGMENT */))
                          ]),
                          _: 2 /* DYNAMIC */
                        }, 1024 /* DYNAMIC_SLOTS */)
                      ]),
                      _: 2 /* DYNAMIC */
                    }, 1032 /* PROPS, DYNAMIC_SLOTS */, ["value", "class"]))
                  }), 128 /* KEYED_FRAGMENT */))
                ]),
                _: 2 /* DYNAMIC */
              }, 1032 /* PROPS, DYNAMIC_SLOTS */, ["model-value", "onUpdate:modelValue"])
            ], 64 /* STABLE_FRAGMENT */))
          : _createCommentVNode("v-if", true)
      ], 64 /* STABLE_FRAGMENT */))
    }), 128 /* KEYED_FRAGMENT */))
  ]))
}
return { ...options, render };
})();

export const preset_buttons = (() => {
const options = {};
const _hoisted_1 = { class: "sq-presets" }
const _hoisted_2 = { class: "sq-label" }
const _hoisted_3 = { class: "sq-preset-buttons" }

function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_btn = _resolveComponent("v-btn")

  return (_openBlock(), _createElementBlock("div", _hoisted_1, [
    _createElementVNode("span", _hoisted_2, _toDisplayString(_ctx.label), 1 /* TEXT */),
    _createElementVNode("div", _hoisted_3, [
      (_openBlock(true), _createElementBlock(_Fragment, null, _renderList(_ctx.items, (p) => {
        return (_openBlock(), _createBlock(_component_v_btn, {
          key: p.name,
          variant: p.name === _ctx.active ? 'elevated' : 'text',
          class: _normalizeClass(['sq-preset', 'sq-preset-' + p.name, p.name === _ctx.active ? 'sq-preset-active' : '']),
          onClick: $event => (_ctx.pick(p.name))
        }, {
          default: _withCtx(() => [
            _createTextVNode(_toDisplayString(p.label), 1 /* TEXT */)
          ]),
          _: 2 /* DYNAMIC */
        }, 1032 /* PROPS, DYNAMIC_SLOTS */, ["variant", "class", "onClick"]))
      }), 128 /* KEYED_FRAGMENT */))
    ])
  ]))
}
return { ...options, render };
})();

export const share_link = (() => {
const options = {
  data() { return { href: "", copied: false }; },
  methods: {
    refresh() { this.href = window.location.href; this.copied = false; },
    copy() {
      this.refresh();
      const done = () => { this.copied = true; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(this.href).then(done, () => this.selectField());
      } else {
        this.selectField();
      }
    },
    selectField() {
      this.$nextTick(() => { this.$refs.field.focus(); this.$refs.field.select(); });
    },
  },
};
function _ipyvueSanitizeBoundProps(props) {
    const guarded = typeof _guardReactiveProps === "function" ? _guardReactiveProps(props) : props;
    if (!guarded || typeof guarded !== "object") {
        return guarded;
    }
    if (_ipyvueIsRef(guarded.ref)) {
        const { ref, ...rest } = guarded;
        return rest;
    }
    return guarded;
}
function _ipyvueMergeProps(...args) {
    if (!args.length) {
        return _mergeProps();
    }
    return _mergeProps(...args.map((arg) => _ipyvueSanitizeBoundProps(arg)));
}

const _hoisted_1 = { class: "text-caption mb-2" }
const _hoisted_2 = ["value"]

function render(_ctx, _cache, $props, $setup, $data, $options) {
  const _component_v_btn = _resolveComponent("v-btn")
  const _component_v_card = _resolveComponent("v-card")
  const _component_v_menu = _resolveComponent("v-menu")

  return (_openBlock(), _createBlock(_component_v_menu, {
    location: "bottom end",
    "close-on-content-click": false,
    "min-width": "480"
  }, {
    activator: _withCtx(({ props }) => [
      _createVNode(_component_v_btn, _ipyvueMergeProps({
        variant: "text",
        class: "sq-share",
        "prepend-icon": "mdi-link-variant"
      }, props, { onClick: $options.refresh }), {
        default: _withCtx(() => [
          _createTextVNode(_toDisplayString(_ctx.label), 1 /* TEXT */)
        ]),
        _: 1 /* STABLE */
      }, 16 /* FULL_PROPS */, ["onClick"])
    ]),
    default: _withCtx(() => [
      _createVNode(_component_v_card, { class: "pa-4 sq-share-card" }, {
        default: _withCtx(() => [
          _createElementVNode("div", _hoisted_1, _toDisplayString(_ctx.hint), 1 /* TEXT */),
          _createElementVNode("input", {
            class: "sq-share-url",
            readonly: "",
            value: $data.href,
            ref: "field",
            onFocus: _cache[0] || (_cache[0] = $event => ($event.target.select()))
          }, null, 40 /* PROPS, NEED_HYDRATION */, _hoisted_2),
          _createVNode(_component_v_btn, {
            class: "mt-2 sq-share-copy",
            size: "small",
            variant: "flat",
            color: "#1565c0",
            onClick: $options.copy
          }, {
            default: _withCtx(() => [
              _createTextVNode(_toDisplayString($data.copied ? _ctx.copied_label : _ctx.copy_label), 1 /* TEXT */)
            ]),
            _: 1 /* STABLE */
          }, 8 /* PROPS */, ["onClick"])
        ]),
        _: 1 /* STABLE */
      })
    ]),
    _: 1 /* STABLE */
  }))
}
return { ...options, render };
})();

export const echarts = (() => {
const options = {
  mounted() {
    const version = "5.4.0";
    (async () => {
      const echarts = (
        await this.import([`${this.getCdn()}/echarts@${version}/dist/echarts.min.js`])
      )[0];
      this.echarts = echarts;
      this.create();
    })();
    if(this.responsive){
      this.resizeObserver = new ResizeObserver(entries => {
        for (let entry of entries) {
          if (entry.target === this.$refs.echarts) {
            this.handleContainerResize();
          }
        }
      });
      this.resizeObserver.observe(this.$refs.echarts);
    };
  },
  beforeDestroy() {
    if (this.resizeObserver) {
      this.resizeObserver.unobserve(this.$refs.echarts);
      this.resizeObserver.disconnect();
    }
  },
  watch: {
    option() {
      // notMerge, otherwise we're left with axes etc
      // see https://echarts.apache.org/en/api.html#echartsInstance.setOption
      if (this.chart) this.chart.setOption(this.option, true);
    },
  },
  methods: {
    create() {
      this.chart = this.echarts.init(this.$refs.echarts);
      Object.keys(this.maps).forEach((mapName) => {
        this.echarts.registerMap(mapName, this.maps[mapName]);
      });

      this.chart.setOption(this.option, true);
      const eventProps = [
        "componentType",
        "seriesType",
        "seriesIndex",
        "seriesName",
        "name",
        "dataIndex",
        "data",
        "dataType",
        "value",
        "color",
      ];
      this.chart.on("click", (fullEvent) => {
        const eventData = {};
        eventProps.forEach((prop) => {
          eventData[prop] = fullEvent[prop];
        });
        this.on_click(eventData);
      });
      this.chart.on("mouseover", (fullEvent) => {
        const eventData = {};
        eventProps.forEach((prop) => {
          eventData[prop] = fullEvent[prop];
        });
        if (this.on_mouseover_enabled) this.on_mouseover(eventData);
      });
      this.chart.on("mouseout", (fullEvent) => {
        const eventData = {};
        eventProps.forEach((prop) => {
          eventData[prop] = fullEvent[prop];
        });
        if (this.on_mouseout_enabled) this.on_mouseout(eventData);
      });
    },
    handleContainerResize() {
      if (this.chart) {
        this.chart.resize();
      }
    },
    import(deps) {
      return this.loadRequire().then(() => {
        if (window.jupyterVue) {
          // in jupyterlab, we take Vue from ipyvue/jupyterVue
          define("vue", [], () => window.jupyterVue.Vue);
        } else {
          define("vue", ["jupyter-vue"], (jupyterVue) => jupyterVue.Vue);
        }
        return new Promise((resolve, reject) => {
          requirejs(deps, (...modules) => resolve(modules));
        });
      });
    },
    loadRequire() {
      /* Needed in lab */
      if (window.requirejs) {
        console.log("require found");
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    },
    getJupyterBaseUrl() {
      // if base url is set, we use ./ for relative paths compared to the base url
      if (document.getElementsByTagName("base").length) {
        return "./";
      }
      const labConfigData = document.getElementById("jupyter-config-data");
      if (labConfigData) {
        /* lab and Voila */
        return JSON.parse(labConfigData.textContent).baseUrl;
      }
      let base = document.body.dataset.baseUrl || document.baseURI;
      if (!base.endsWith("/")) {
        base += "/";
      }
      return base;
    },
    getCdn() {
      return this.cdn || (window.solara ? window.solara.cdn : `${this.getJupyterBaseUrl()}_solara/cdn`);
    },
  },
};
function _ipyvueSanitizeBoundProps(props) {
    const guarded = typeof _guardReactiveProps === "function" ? _guardReactiveProps(props) : props;
    if (!guarded || typeof guarded !== "object") {
        return guarded;
    }
    if (_ipyvueIsRef(guarded.ref)) {
        const { ref, ...rest } = guarded;
        return rest;
    }
    return guarded;
}
function _ipyvueMergeProps(...args) {
    if (!args.length) {
        return _mergeProps();
    }
    return _mergeProps(...args.map((arg) => _ipyvueSanitizeBoundProps(arg)));
}

function render(_ctx, _cache, $props, $setup, $data, $options) {
  return (_openBlock(), _createElementBlock("div", _ipyvueMergeProps({
    ref: "echarts",
    class: "solara-echarts"
  }, _ctx.attributes), null, 16 /* FULL_PROPS */))
}
return { ...options, render };
})();

export const solara_html = (() => {
const options = {};
function _ipyvueSanitizeBoundProps(props) {
    const guarded = typeof _guardReactiveProps === "function" ? _guardReactiveProps(props) : props;
    if (!guarded || typeof guarded !== "object") {
        return guarded;
    }
    if (_ipyvueIsRef(guarded.ref)) {
        const { ref, ...rest } = guarded;
        return rest;
    }
    return guarded;
}
function _ipyvueMergeProps(...args) {
    if (!args.length) {
        return _mergeProps();
    }
    return _mergeProps(...args.map((arg) => _ipyvueSanitizeBoundProps(arg)));
}

function render(_ctx, _cache, $props, $setup, $data, $options) {
  return (_openBlock(), _createBlock(_resolveDynamicComponent(_ctx.tag), _ipyvueMergeProps(_ctx.attributes, { innerHTML: _ctx.unsafe_innerHTML }), null, 16 /* FULL_PROPS */, ["innerHTML"]))
}
return { ...options, render };
})();

export const solara_router = (() => {
const options = {
  created() {
    history.scrollRestoration = "manual";
    if (!window.solara) {
      window.solara = {};
    }
    if (!window.solara.router) {
      window.solara.router = {};
    }
    window.solara.router.push = (href) => {
      console.log("external router push", href);
      const url = new URL(href, window.location.origin + solara.rootPath);
      this.location = url.pathname + url.search;
      this.hash = url.hash;
    };
    let location = window.location.pathname.slice(solara.rootPath.length);
    this.location = location + window.location.search;
    this.hash = window.location.hash;
    window.addEventListener("popstate", this.onPopState);
    window.addEventListener("scroll", this.onScroll);
    window.addEventListener("hashchange", this.onHashChange);
    window.addEventListener("solara.pageReady", this.onPageLoad);
  },
  destroyed() {
    window.removeEventListener("popstate", this.onPopState);
    window.removeEventListener("scroll", this.onScroll);
    window.removeEventListener("hashchange", this.onHashChange);
    window.removeEventListener("solara.pageReady", this.onPageLoad);
  },
  methods: {
    onScroll() {
      window.history.replaceState(
        { top: document.documentElement.scrollTop },
        null,
        window.location.href
      );
    },
    onPopState(event) {
      if (!window.location.pathname.startsWith(solara.rootPath)) {
        throw `window.location.pathname = ${window.location.pathname}, but it should start with the solara.rootPath = ${solara.rootPath}`;
      }
      let newLocation = window.location.pathname.slice(solara.rootPath.length);
      this.location = newLocation + window.location.search;
      if (event.state) {
        const top = event.state.top;
        /*
        // we'd like to restore the scroll position, but we do not know when yet
        // maybe we will have a life cycle hook for this in the future
        setTimeout(() => {
          document.documentElement.scrollTop = top;
        }, 500);
        */
      }
    },
    onHashChange(event) {
      if (!window.location.pathname.startsWith(solara.rootPath)) {
        throw `window.location.pathname = ${window.location.pathname}, but it should start with the solara.rootPath = ${solara.rootPath}`;
      }
      this.hash = window.location.hash;
    },
    onPageLoad(event) {
      if (!window.location.pathname.startsWith(solara.rootPath)) {
        throw `window.location.pathname = ${window.location.pathname}, but it should start with the solara.rootPath = ${solara.rootPath}`;
      }
      // If we've navigated to a hash with the same name on a different page the watch on hash won't trigger
      if (this.hash && this.hash === window.location.hash) {
        this.navigateToHash(this.hash);
      }
      this.hash = window.location.hash;
    },
    makeFullRelativeUrl() {
      const url = new URL(this.location, window.location.origin + solara.rootPath);
      return url.pathname + url.search + this.hash;
    },
    navigateToHash(hash) {
      const targetEl = document.getElementById(hash.slice(1));
      if (targetEl) {
        targetEl.scrollIntoView();
      }
    },
  },
  watch: {
    location(value) {
      console.log("changed", this.location, value);
      const newUrl = new URL(value, window.location);
      if(newUrl.origin != window.location.origin) {
        // external navigation
        window.location = newUrl;
        return
      }
      const pathnameNew = newUrl.pathname
      const pathnameOld = window.location.pathname
      // if we use the back navigation, this watch will trigger,
      // but we don't want to push the history
      // otherwise we cannot go forward
      if (!window.location.pathname.startsWith(solara.rootPath)) {
        throw `window.location.pathname = ${window.location.pathname}, but it should start with the solara.rootPath = ${solara.rootPath}`;
      }
      const oldLocation = window.location.pathname.slice(solara.rootPath.length) + window.location.search;
      console.log(
        "location changed",
        oldLocation,
        this.location,
        document.documentElement.scrollTop
      );
      if (oldLocation != this.location) {
        window.history.pushState({ top: 0 }, null, this.makeFullRelativeUrl());
        if (pathnameNew != pathnameOld) {
          // we scroll to the top only when we change page, not when we change
          // the search string
          window.scrollTo(0, 0);
        }
        const event = new Event('solara.router');
        window.dispatchEvent(event);
      }
    },
    hash(value) {
      if (value) {
        this.navigateToHash(value);
      }
    },
  },
  data() {
    return {
      hash: "",
    };
  },
};
function render(_ctx, _cache, $props, $setup, $data, $options) {
  return (_openBlock(), _createElementBlock("span"))
}
return { ...options, render };
})();

export const solara_title = (() => {
const options = {
  mounted() {
    if (window._solaraTitles === undefined) {
      window._solaraTitles = [];
    }
    window._solaraTitles.push(this);
    this.updateTitle();
  },
  destroyed() {
    window._solaraTitles.splice(window._solaraTitles.indexOf(this), 1);
    if (window._solaraTitles.length) {
      window._solaraTitles[0].updateTitle();
    }
  },
  watch: {
    title() {
      this.updateTitle();
    },
    level() {
      this.updateTitle();
    },
  },
  methods: {
    updateTitle() {
      let deepestTitle = window._solaraTitles[0];
      for (let i = 1; i < window._solaraTitles.length; i++) {
        if (window._solaraTitles[i].level > deepestTitle.level) {
          deepestTitle = window._solaraTitles[i];
        }
      }
      document.title = deepestTitle.title;
    }
  },
};
const _hoisted_1 = { style: {"display":"none"} }

function render(_ctx, _cache, $props, $setup, $data, $options) {
  return (_openBlock(), _createElementBlock("span", _hoisted_1, _toDisplayString(_ctx.title), 1 /* TEXT */))
}
return { ...options, render };
})();
