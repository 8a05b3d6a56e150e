/**
 * attnviz in Vue 3, with a template compiled in the page: `vue` is bundled as Vue's full build
 * (vue/dist/vue.esm-bundler.js, an alias in scripts/examples.mjs as in a Vite config), whose
 * compiler is told that attn-* tags are custom elements (it would guess so only for tags already
 * registered when the template compiles). Vue sets `:data` and `:heads` as properties (the
 * elements have them) and listens with `@attn-head-select`. With single-file components, set the
 * same `isCustomElement` in @vitejs/plugin-vue's `template.compilerOptions`.
 */
import { createApp, markRaw, ref } from 'vue';
import 'attnviz/model-view'; // registers <attn-model-view> and the <attn-head-view> it uses
import type { AttnHeadSelectDetail } from 'attnviz';
import { data, model, previousTokenHead, text } from '../data/demo.js';

const app = createApp({
  setup() {
    const shown = ref({ layer: previousTokenHead.layer, head: previousTokenHead.head });
    const onSelect = (e: CustomEvent<AttnHeadSelectDetail>) => {
      const { layer, head } = e.detail;
      // null: the open cell was closed; keep showing it.
      if (layer !== null && head !== null) shown.value = { layer, head };
    };
    // markRaw: the views read the tensors as they are, not through Vue's reactive proxies.
    return { attention: markRaw(data), model, text, best: previousTokenHead, shown, onSelect };
  },
  template: `
    <h1>attnviz in Vue 3</h1>
    <p>
      {{ model }} on “{{ text }}”. Click a cell of the model view: the head view shows that head. It
      opens on layer {{ best.layer }}, head {{ best.head }}, which gives {{ best.value }} of its
      attention to the previous token over held-out text.
    </p>
    <p role="status">Showing layer {{ shown.layer }}, head {{ shown.head }}</p>
    <div class="views">
      <attn-model-view
        :data="attention"
        theme="light"
        summary="previous"
        highlight-above="0.4"
        no-detail
        :selected-layer="shown.layer"
        :selected-head="shown.head"
        @attn-head-select="onSelect"
      ></attn-model-view>
      <attn-head-view :data="attention" theme="light" :layer="shown.layer" :heads="[shown.head]"></attn-head-view>
    </div>
  `,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('attn-');
app.mount('#app');
